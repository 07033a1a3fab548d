/**
 * A small multi-step form as a pure reducer: "Lose deal #12 — reason?" (a choice, filtered as
 * you type), "Log a call — subject?", "Follow-up task — title? due?". A screen keeps one in its
 * state; when the last step is answered it performs the action with the values.
 */
import { editLine } from './line-edit.js';
import { keyName, type KeyInfo } from './keymap.js';

export interface PromptStep {
  name: string;
  label: string;
  /** Prefilled text (e.g. "tomorrow" for a due date). */
  initial?: string;
  /** May be left empty. */
  optional?: boolean;
  /** Pick one of these (type to narrow, ↑/↓ to move). */
  choices?: string[];
  /** Several lines (a reply): ⏎ starts a new line, ctrl-s sends. */
  multiline?: boolean;
}

export interface PromptState<K extends string = string> {
  kind: K;
  title: string;
  steps: PromptStep[];
  index: number;
  values: Record<string, string>;
  text: string;
  choice: number;
  /** Set when the user tries to submit an empty required answer. */
  error: string | null;
}

export function openPrompt<K extends string>(kind: K, title: string, steps: PromptStep[]): PromptState<K> {
  return { kind, title, steps, index: 0, values: {}, text: steps[0]?.initial ?? '', choice: 0, error: null };
}

export function currentStep(p: PromptState): PromptStep {
  return p.steps[p.index]!;
}

/** Choices of the current step that match what was typed (case-insensitive substring). */
export function visibleChoices(p: PromptState): string[] {
  const step = currentStep(p);
  if (!step.choices) return [];
  const needle = p.text.trim().toLocaleLowerCase();
  return needle ? step.choices.filter((c) => c.toLocaleLowerCase().includes(needle)) : step.choices;
}

export type PromptOutcome<K extends string> = { type: 'editing'; prompt: PromptState<K> } | { type: 'cancel' } | { type: 'done'; kind: K; values: Record<string, string> };

/** One key press in the form. Ctrl-C is not handled here: it always quits the app. */
export function promptKey<K extends string>(p: PromptState<K>, input: string, key: KeyInfo): PromptOutcome<K> | undefined {
  const name = keyName(input, key);
  if (name === 'ctrl+c') return undefined;
  if (name === 'escape') return { type: 'cancel' };
  const step = currentStep(p);
  const choices = visibleChoices(p);
  if (step.choices && (name === 'down' || name === 'up' || name === 'tab' || name === 'shift+tab')) {
    const n = choices.length || 1;
    const delta = name === 'down' || name === 'tab' ? 1 : -1;
    return { type: 'editing', prompt: { ...p, choice: (p.choice + delta + n) % n } };
  }
  if (step.multiline && name === 'enter') return { type: 'editing', prompt: { ...p, text: p.text + '\n', error: null } };
  if (name === 'enter' || name === 'ctrl+s') {
    let answer = p.text.trim();
    if (step.choices) {
      const picked = choices[Math.min(p.choice, choices.length - 1)];
      if (!picked) return { type: 'editing', prompt: { ...p, error: 'Nothing matches; esc cancels.' } };
      answer = picked;
    }
    if (!answer && !step.optional) return { type: 'editing', prompt: { ...p, error: `${step.label} cannot be empty; esc cancels.` } };
    const values = { ...p.values, [step.name]: answer };
    if (p.index + 1 >= p.steps.length) return { type: 'done', kind: p.kind, values };
    const next = p.steps[p.index + 1]!;
    return { type: 'editing', prompt: { ...p, index: p.index + 1, values, text: next.initial ?? '', choice: 0, error: null } };
  }
  const text = editLine(p.text, input, key);
  if (text === undefined) return { type: 'editing', prompt: p };
  return { type: 'editing', prompt: { ...p, text, choice: 0, error: null } };
}
