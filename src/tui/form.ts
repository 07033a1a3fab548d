/**
 * A record form as a pure reducer: every field on screen at once (tab / shift-tab between them),
 * saved in one go by a domain call. The form does not validate: the domain does — the same
 * addDeal / editContact / openTicket the commands call — and its refusal ("A deal amount cannot
 * be negative") comes back into the form, on the field it names, with everything typed kept.
 * (The prompt in prompt.ts is the other kind of form: one question after another.)
 */
import { actionFor, FORM_KEYS, keyName, type KeyInfo } from './keymap.js';
import { dropLastGrapheme, editLine } from './line-edit.js';

export interface FormField {
  name: string;
  label: string;
  /** The value shown first (an edit form's current value). */
  initial?: string;
  /** Shown after the label while the field is empty: "12500 EUR", "tomorrow"… */
  hint?: string;
  /** A text area: ⏎ is a new line (ctrl-s saves). */
  multiline?: boolean;
}

export interface FormState {
  title: string;
  fields: FormField[];
  values: Record<string, string>;
  focus: number;
  /** The domain's refusal of the last save. */
  error: string | null;
  /** A save is under way: keys wait. */
  busy: boolean;
}

export function openForm(title: string, fields: FormField[]): FormState {
  return { title, fields, values: Object.fromEntries(fields.map((f) => [f.name, f.initial ?? ''])), focus: 0, error: null, busy: false };
}

export type FormOutcome = { type: 'editing'; form: FormState } | { type: 'cancel' } | { type: 'save'; form: FormState };

/** The values that differ from what the form opened with (an edit sends only those). */
export function changedValues(form: FormState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of form.fields) if ((form.values[f.name] ?? '') !== (f.initial ?? '')) out[f.name] = form.values[f.name] ?? '';
  return out;
}

/** A value as the domain takes it: trimmed, and undefined when empty (a new record's unset field). */
export function given(values: Record<string, string>, name: string): string | undefined {
  const v = values[name]?.trim();
  return v ? v : undefined;
}

/** One key press. undefined: not the form's (Ctrl-C, which quits). */
export function formKey(form: FormState, input: string, key: KeyInfo): FormOutcome | undefined {
  const name = keyName(input, key);
  if (name === 'ctrl+c') return undefined;
  if (form.busy) return { type: 'editing', form };
  const field = form.fields[form.focus]!;
  const move = (by: number): FormOutcome => ({ type: 'editing', form: { ...form, focus: (form.focus + by + form.fields.length) % form.fields.length } });
  const action = actionFor(FORM_KEYS, input, key);
  // In a text area ⏎ is a new line and ↑ ↓ stay in the text (tab leaves it).
  if (field.multiline && (name === 'enter' || name === 'up' || name === 'down')) {
    if (name !== 'enter') return { type: 'editing', form };
    return set(form, field.name, (form.values[field.name] ?? '') + '\n');
  }
  switch (action) {
    case 'cancel':
      return { type: 'cancel' };
    case 'save':
      return { type: 'save', form };
    case 'next':
      return move(1);
    case 'prev':
      return move(-1);
    case 'next-or-save':
      return form.focus === form.fields.length - 1 ? { type: 'save', form } : move(1);
  }
  const value = form.values[field.name] ?? '';
  if (field.multiline && (key.backspace || key.delete)) return set(form, field.name, dropLastGrapheme(value));
  const text = editLine(value, input, key);
  return text === undefined ? { type: 'editing', form } : set(form, field.name, text);
}

function set(form: FormState, name: string, value: string): FormOutcome {
  return { type: 'editing', form: { ...form, values: { ...form.values, [name]: value } } };
}

/**
 * The save was refused: keep everything, show why (`text`: the message and its hint), and put
 * the cursor on the field the message names (`message`: without the hint, whose example
 * "name@example.com" names no field).
 */
export function formRefused(form: FormState, text: string, message = text): FormState {
  const lower = message.toLowerCase();
  const named = form.fields.findIndex((f) => lower.includes(f.name.toLowerCase()) || lower.includes(f.label.toLowerCase()));
  return { ...form, busy: false, error: text, focus: named >= 0 ? named : form.focus };
}
