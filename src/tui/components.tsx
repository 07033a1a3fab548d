/** Small shared pieces: the footer and the help overlay (both drawn from keymap tables), a text field. */
import { Box, Text } from 'ink';
import { FORM_KEYS, GLOBAL_KEYS, keysLabel, PROMPT_KEYS, TEXT_AREA_KEYS, usable, type Keymap } from './keymap.js';
import type { FormState } from './form.js';
import { fit, truncate } from './text.js';
import { currentStep, visibleChoices, type PromptState } from './prompt.js';
import type { Theme } from './theme.js';

/** One line: the footer bindings of the screen's keymap, then the global ones, as fits the width. */
export function Footer({ keymaps, theme, width, global = true }: { keymaps: Keymap[]; theme: Theme; width: number; global?: boolean }) {
  const parts: string[] = [];
  for (const km of global ? [...keymaps, GLOBAL_KEYS] : keymaps) for (const b of km) if (b.footer && usable(b)) parts.push(`${keysLabel(b)} ${b.short ?? shortDescription(b.description)}`);
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

/** Every key of the current screen and the global ones; in two columns when one does not fit. */
export function HelpOverlay({ sections, theme, width, height }: { sections: { title: string; keymap: Keymap }[]; theme: Theme; width: number; height: number }) {
  const lines: { text: string; heading?: boolean }[] = [];
  const keyWidth = Math.min(13, Math.max(...sections.flatMap((s) => s.keymap.map((b) => keysLabel(b).length)), 1));
  for (const s of sections) {
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: s.title, heading: true });
    for (const b of s.keymap) if (usable(b)) lines.push({ text: `${fit(keysLabel(b), keyWidth)} ${b.description}` });
  }
  const room = Math.max(1, height - 3);
  const columns = lines.length > room && width >= 70 ? 2 : 1;
  const inner = Math.max(10, width - 4);
  const colWidth = Math.floor((inner - (columns - 1) * 2) / columns);
  const perColumn = Math.ceil(lines.length / columns);
  const cols = Array.from({ length: columns }, (_, i) => lines.slice(i * perColumn, (i + 1) * perColumn).slice(0, room));
  const hidden = lines.length - cols.reduce((n, c) => n + c.length, 0);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={inner + 4} height={Math.min(height, Math.min(room, perColumn) + 3)}>
      <Box flexDirection="row">
        {cols.map((col, ci) => (
          <Box key={ci} flexDirection="column" width={colWidth} marginLeft={ci ? 2 : 0}>
            {col.map((l, i) =>
              l.heading ? (
                <Text key={i} {...theme.heading} wrap="truncate">
                  {truncate(l.text, colWidth)}
                </Text>
              ) : (
                <Text key={i} wrap="truncate">
                  {truncate(l.text, colWidth) || ' '}
                </Text>
              ),
            )}
          </Box>
        ))}
      </Box>
      <Text {...theme.muted}>{truncate(hidden > 0 ? `… ${hidden} more — enlarge the terminal · ? or esc closes` : '? or esc closes', inner)}</Text>
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

/** A text of several lines: its label on a line of its own, then the last lines that fit, the cursor at the end. */
export function TextArea({ label, value, theme, width, rows }: { label: string; value: string; theme: Theme; width: number; rows: number }) {
  const lines = value.split('\n');
  const shown = lines.slice(Math.max(0, lines.length - Math.max(1, rows - 1)));
  const hidden = lines.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text {...theme.accent} wrap="truncate">
        {label}
        {hidden > 0 ? <Text {...theme.muted}>{` (${hidden} more line${hidden === 1 ? '' : 's'} above)`}</Text> : null}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {truncateStart(l, width - 1)}
          {i === shown.length - 1 ? <Text inverse> </Text> : null}
        </Text>
      ))}
    </Box>
  );
}

function truncateStart(text: string, width: number): string {
  const t = truncate(text, Number.MAX_SAFE_INTEGER);
  if (t.length <= width) return t;
  return '…' + t.slice(t.length - width + 1);
}

/** A detail pane whose record is still being read. */
export function LoadingPane({ theme, width, height }: { theme: Theme; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.muted}>loading…</Text>
    </Box>
  );
}

/** A whole screen given over to an open form, with the form's keys in the footer. */
export function PromptScreen({ prompt, theme, width, height }: { prompt: PromptState; theme: Theme; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexGrow={1} flexDirection="column">
        <PromptView prompt={prompt} theme={theme} width={width} height={height - 1} />
      </Box>
      <Footer keymaps={[currentStep(prompt).multiline ? TEXT_AREA_KEYS : PROMPT_KEYS]} theme={theme} width={width} global={false} />
    </Box>
  );
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
      {step.multiline ? <TextArea label={`${step.label}:`} value={prompt.text} theme={theme} width={width - 4} rows={Math.max(3, height - 4 - prompt.index - (prompt.error ? 1 : 0))} /> : <TextField label={`${step.label}:`} value={prompt.text} theme={theme} width={width - 4} />}
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

/** A record form: every field with its value, the focused one with the cursor, the domain's refusal under them. */
export function FormScreen({ form, theme, width, height }: { form: FormState; theme: Theme; width: number; height: number }) {
  const inner = Math.max(10, width - 4);
  const labelWidth = Math.min(14, Math.max(...form.fields.map((f) => f.label.length)) + 1);
  const valueWidth = Math.max(4, inner - labelWidth - 1);
  // A text area gets the rows the other fields leave (at least 3), showing its last lines.
  const areaRows = Math.max(3, height - 1 - 4 - form.fields.length - (form.error ? 2 : 0));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexDirection="column" width={width} borderStyle="round" paddingX={1}>
        <Text {...theme.heading} wrap="truncate">
          {truncate(form.title, inner)}
        </Text>
        {form.fields.map((f, i) => {
          const focused = i === form.focus;
          const value = form.values[f.name] ?? '';
          const label = <Text {...(focused ? theme.accent : theme.muted)}>{fit(f.label, labelWidth)} </Text>;
          if (f.multiline) {
            const lines = value.split('\n');
            const shown = lines.slice(Math.max(0, lines.length - (focused ? areaRows : 1)));
            return (
              <Box key={f.name} flexDirection="column">
                {shown.map((l, j) => (
                  <Text key={j} wrap="truncate">
                    {j === 0 ? label : <Text>{' '.repeat(labelWidth + 1)}</Text>}
                    <Text>{truncateStart(l, valueWidth - 1)}</Text>
                    {focused && j === shown.length - 1 ? <Text inverse> </Text> : null}
                    {!focused && lines.length > 1 && j === 0 ? <Text {...theme.muted}>{` (+${lines.length - 1} lines)`}</Text> : null}
                  </Text>
                ))}
              </Box>
            );
          }
          return (
            <Text key={f.name} wrap="truncate">
              {label}
              <Text>{truncateStart(value, valueWidth - 1)}</Text>
              {focused ? <Text inverse> </Text> : null}
              {!value && f.hint ? <Text {...theme.muted}>{` ${truncate(f.hint, Math.max(0, valueWidth - 2))}`}</Text> : null}
            </Text>
          );
        })}
        {form.error ? <Text {...theme.danger} wrap="wrap">{form.error}</Text> : null}
        {form.busy ? <Text {...theme.muted}>saving…</Text> : null}
      </Box>
      <Box flexGrow={1} />
      <Footer keymaps={[FORM_KEYS]} theme={theme} width={width} global={false} />
    </Box>
  );
}
