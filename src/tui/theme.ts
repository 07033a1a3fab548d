/**
 * Colours and marks. Every state has a text mark too (!! breached, ! due soon, ‖ paused,
 * ★ won…), so the screens stay readable with NO_COLOR, where the theme has no colours at all
 * and selection is shown in inverse video.
 */
import type { TextProps } from 'ink';

export interface Theme {
  color: boolean;
  accent: TextProps;
  muted: TextProps;
  danger: TextProps;
  warning: TextProps;
  success: TextProps;
  paused: TextProps;
  selected: TextProps;
  heading: TextProps;
  tabActive: TextProps;
  tabInactive: TextProps;
}

const themes = new Map<boolean, Theme>();

/** One theme object per colour setting, so memoised views see the same props. */
export function makeTheme(color: boolean): Theme {
  let t = themes.get(color);
  if (!t) themes.set(color, (t = buildTheme(color)));
  return t;
}

function buildTheme(color: boolean): Theme {
  if (!color) {
    return {
      color,
      accent: { bold: true },
      muted: {},
      danger: { bold: true },
      warning: { bold: true },
      success: {},
      paused: {},
      selected: { inverse: true },
      heading: { bold: true },
      tabActive: { inverse: true, bold: true },
      tabInactive: {},
    };
  }
  return {
    color,
    accent: { color: 'cyan' },
    muted: { color: 'gray' },
    danger: { color: 'red', bold: true },
    warning: { color: 'yellow' },
    success: { color: 'green' },
    paused: { color: 'blue' },
    selected: { inverse: true },
    heading: { bold: true, color: 'cyan' },
    tabActive: { inverse: true, bold: true, color: 'cyan' },
    tabInactive: { color: 'gray' },
  };
}
