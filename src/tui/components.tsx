/** Small shared pieces: the footer and the help overlay (both drawn from keymap tables), a text field. */
import { Box, Text } from 'ink';
import { GLOBAL_KEYS, keysLabel, type Keymap } from './keymap.js';
import { fit, truncate } from './text.js';
import { currentStep, visibleChoices, type PromptState } from './prompt.js';
import type { Theme } from './theme.js';

/** One line: the footer bindings of the screen's keymap, then the global ones, as fits the width. */
export function Footer({ keymaps, theme, width, global = true }: { keymaps: Keymap[]; theme: Theme; width: number; global?: boolean }) {
  const parts: string[] = [];
  for (const km of global ? [...keymaps, GLOBAL_KEYS] : keymaps) for (const b of km) if (b.footer) parts.push(`${keysLabel(b)} ${b.short ?? shortDescription(b.description)}`);
  let line = '';
  for (const p of parts) {
    const next = line ? `${line}  ${p}` : p;
    if (next.length > width) break;
    line = next;
  }
  return (
    <Text {...theme.muted} wrap="truncate">
      {line}
    </Text>
  );
}

function shortDescription(d: string): string {
  return d.replace(/\s*\(.*\)$/, '').replace(/:.*$/, '');
}

export function HelpOverlay({ sections, theme, width, height }: { sections: { title: string; keymap: Keymap }[]; theme: Theme; width: number; height: number }) {
  const lines: { text: string; heading?: boolean }[] = [];
  for (const s of sections) {
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: s.title, heading: true });
    for (const b of s.keymap) lines.push({ text: `  ${fit(keysLabel(b), 16)} ${b.description}` });
  }
  const inner = Math.max(10, Math.min(width - 4, 78));
  const room = Math.max(1, height - 3);
  const shown = lines.slice(0, room);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={inner + 4} height={Math.min(height, shown.length + 3)}>
      {shown.map((l, i) =>
        l.heading ? (
          <Text key={i} {...theme.heading}>
            {truncate(l.text, inner)}
          </Text>
        ) : (
          <Text key={i}>{truncate(l.text, inner) || ' '}</Text>
        ),
      )}
      <Text {...theme.muted}>{truncate(lines.length > room ? `… ${lines.length - room} more — widen the terminal · ? or esc closes` : '? or esc closes', inner)}</Text>
    </Box>
  );
}

/** A labelled one-line text field with a block cursor. */
export function TextField({ label, value, theme, width, active = true }: { label: string; value: string; theme: Theme; width: number; active?: boolean }) {
  const room = Math.max(1, width - label.length - 2);
  // Show the end of a long value: that is where the user is typing.
  const shown = truncateStart(value, room);
  return (
    <Text wrap="truncate">
      <Text {...theme.accent}>{label} </Text>
      <Text>{shown}</Text>
      {active ? <Text inverse> </Text> : null}
    </Text>
  );
}

function truncateStart(text: string, width: number): string {
  const t = truncate(text, Number.MAX_SAFE_INTEGER);
  if (t.length <= width) return t;
  return '…' + t.slice(t.length - width + 1);
}

/** The open form: title, the answered steps, the current field (and its choices). */
export function PromptView({ prompt, theme, width, height }: { prompt: PromptState; theme: Theme; width: number; height: number }) {
  const step = currentStep(prompt);
  const choices = visibleChoices(prompt);
  const room = Math.max(1, height - 4 - prompt.index);
  const start = Math.max(0, Math.min(prompt.choice - room + 1, choices.length - room));
  return (
    <Box flexDirection="column" width={width} borderStyle="round" paddingX={1}>
      <Text {...theme.heading}>{truncate(prompt.title, width - 4)}</Text>
      {prompt.steps.slice(0, prompt.index).map((s) => (
        <Text key={s.name} {...theme.muted}>
          {truncate(`${s.label}: ${prompt.values[s.name] || '—'}`, width - 4)}
        </Text>
      ))}
      <TextField label={`${step.label}:`} value={prompt.text} theme={theme} width={width - 4} />
      {step.choices
        ? choices.slice(start, start + room).map((c, i) => (
            <Text key={c} {...(start + i === prompt.choice ? theme.selected : {})}>
              {fit(c, width - 4)}
            </Text>
          ))
        : null}
      {prompt.error ? <Text {...theme.danger}>{truncate(prompt.error, width - 4)}</Text> : null}
    </Box>
  );
}
