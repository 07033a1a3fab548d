/**
 * Yes or no, as people type it: the one reader of booleans — custom bool fields (`--set vip=yes`,
 * the TUI, imported cells), their filter terms (`vip:no`), the `active` column of the user and
 * product imports, and `enabled:` in a rules file — with one error message. Persian users write
 * بله / خیر (and آری / نه); Persian digits arrive as ASCII ones (./digits.ts).
 */
import { UserError } from '../errors.js';
import { latinDigits } from './digits.js';

export const YES_WORDS = ['true', 'yes', 'y', '1', 'on', 'بله', 'آری'] as const;
export const NO_WORDS = ['false', 'no', 'n', '0', 'off', 'خیر', 'نه'] as const;
/** What an `active` column also reads (other tools export "Active" / "Inactive" / "Archived"). */
export const ACTIVE_WORDS = ['active'] as const;
export const INACTIVE_WORDS = ['inactive', 'archived'] as const;

/** The reason, after `NAME: "VALUE"`. */
export const NOT_YES_NO = 'is not yes or no';
export const YES_NO_HINT = 'Use yes/no, true/false, y/n, 1/0, on/off (or بله/خیر).';

const YES = new Set<string>(YES_WORDS);
const NO = new Set<string>(NO_WORDS);
const ACTIVE = new Set<string>(ACTIVE_WORDS);
const INACTIVE = new Set<string>(INACTIVE_WORDS);

/** The value of a yes/no word (any case, surrounding spaces ignored), or undefined for anything else. `active`: also active/inactive/archived. */
export function yesNo(raw: string, opts: { active?: boolean } = {}): boolean | undefined {
  const v = latinDigits(raw.trim()).toLowerCase();
  if (YES.has(v) || (opts.active && ACTIVE.has(v))) return true;
  if (NO.has(v) || (opts.active && INACTIVE.has(v))) return false;
  return undefined;
}

/** `NAME: "VALUE" is not yes or no.` with the words to use. */
export function notYesNo(name: string, raw: string): UserError {
  return new UserError(`${name}: "${raw}" ${NOT_YES_NO}.`, YES_NO_HINT, 'not_yes_no');
}

/** yesNo, or the one error naming the field. */
export function parseYesNo(raw: string, name: string, opts: { active?: boolean } = {}): boolean {
  const b = yesNo(raw, opts);
  if (b === undefined) throw notYesNo(name, raw);
  return b;
}
