/** The screens of `crm tui`, in tab order (no Ink here: the command validates --screen with it). */
export const SCREENS = ['board', 'queue', 'contacts', 'agenda', 'dashboard', 'inbox'] as const;
export type ScreenName = (typeof SCREENS)[number];

export function isScreenName(s: string): s is ScreenName {
  return (SCREENS as readonly string[]).includes(s);
}
