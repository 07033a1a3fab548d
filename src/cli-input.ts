/**
 * What the command line's values are, for Persian digits and Jalali dates (issue 21).
 *
 * Every argument is digit-normalised before commander parses it (so `--limit ۵` and an option's own
 * parser see ASCII), and the original text of each token is kept. Once the command is known, each
 * option and argument is read by its kind:
 *   value   dates, numbers, amounts, filters, periods: ASCII digits, Jalali dates read (or refused)
 *   search  words to find (crm contact find, kb search): ASCII digits (a phone typed in Persian
 *           digits finds the stored one), no date reading
 *   ref     a record named by id or by name: ASCII digits for an id ("۵" → 5, "company:۳" →
 *           company:3), a name as typed
 *   set     --set name=value: a date-looking value is read as a date; any other as typed (the
 *           field's type parses digits itself, src/domain/custom-fields.ts)
 *   text    names, subjects, notes, bodies, reasons, addresses, search words…: exactly as typed
 *           ("Room ۱۲" stays "Room ۱۲"; a subject starting "1402/05/10" is not a date)
 *   path    files and folders: as typed
 */
import type { Command } from 'commander';
import { inputDigits } from './domain/digits.js';
import { readInputDates, type CalendarKind } from './domain/dates.js';

export type InputKind = 'value' | 'search' | 'ref' | 'set' | 'text' | 'path';

/** Options (commander attribute names) whose value is prose or a name: kept exactly as typed. */
const TEXT_OPTIONS = new Set([
  'name', 'first', 'last', 'prefix', 'title', 'notes', 'note', 'description', 'body', 'subject', 'message', 'comment',
  'reason', 'rootCause', 'resolution', 'address', 'label', 'goal', 'psych', 'dealTitle', 'task', 'role', 'unit',
  'companyRole', 'city', 'industry', 'summary', 'text', 'rename', 'reference', 'customerReference', 'region',
  'country', 'supportAddress',
]);

/** Options naming a file or folder. */
const PATH_OPTIONS = new Set(['file', 'rejects', 'public', 'bodyFile', 'attachments', 'db', 'output']);

/** Options naming a record by id or by name. */
const REF_OPTIONS = new Set([
  'company', 'contact', 'deal', 'owner', 'assignee', 'assign', 'referredBy', 'product', 'campaign', 'ticket', 'pipeline',
  'stage', 'user', 'order', 'quote', 'invoice', 'problem', 'contract', 'template', 'calendar', 'policy', 'moveTo', 'taskFor',
]);

/** Positional arguments (by name) that are prose or a name. */
const TEXT_ARGUMENTS = new Set(['name', 'names', 'title', 'summary', 'subject', 'text', 'topic']);
const PATH_ARGUMENTS = new Set(['file', 'files', 'dir', 'mailbox']);
const REF_ARGUMENTS = new Set([
  'id', 'ids', 'contact', 'company', 'deal', 'quote', 'product', 'calendar', 'user', 'order', 'invoice', 'campaign', 'ref',
  'policy', 'policies', 'stage', 'line', 'contract', 'owner', 'handle', 'duplicate', 'keep', 'tickets', 'targets', 'milestone',
  'run', 'sku',
]);

export function optionKind(attribute: string): InputKind {
  if (attribute === 'set') return 'set';
  if (TEXT_OPTIONS.has(attribute)) return 'text';
  if (PATH_OPTIONS.has(attribute)) return 'path';
  if (REF_OPTIONS.has(attribute)) return 'ref';
  return 'value';
}

export function argumentKind(name: string, command = ''): InputKind {
  if (name === 'words' || (name === 'text' && (command === 'find' || command === 'search'))) return 'search';
  if (TEXT_ARGUMENTS.has(name)) return 'text';
  if (PATH_ARGUMENTS.has(name)) return 'path';
  if (REF_ARGUMENTS.has(name)) return 'ref';
  return 'value';
}

/** The original text of each digit-normalised token (and of each `--flag=value` value). */
export class TypedArgs {
  private readonly originals = new Map<string, string>();

  /** argv with ASCII digits, remembering what each changed token was. */
  normalise(argv: string[]): string[] {
    return argv.map((arg) => {
      const ascii = inputDigits(arg);
      if (ascii !== arg) {
        this.remember(ascii, arg);
        const eq = arg.indexOf('=');
        if (arg.startsWith('--') && eq > 0) this.remember(ascii.slice(ascii.indexOf('=') + 1), arg.slice(eq + 1));
      }
      return ascii;
    });
  }

  private remember(ascii: string, original: string): void {
    if (!this.originals.has(ascii)) this.originals.set(ascii, original);
  }

  /** The value as typed, when digit normalisation changed it. */
  original(value: string): string {
    return this.originals.get(value) ?? value;
  }

  /** One value read by its kind (see the file's comment). */
  read(value: string, kind: InputKind, calendar: CalendarKind): string {
    switch (kind) {
      case 'value':
        return readInputDates(value, calendar);
      case 'search':
        return value;
      case 'ref':
        return /^\s*(?:[a-z]+:)?#?\d+\s*$/i.test(value) ? value : this.original(value);
      case 'set': {
        const eq = value.indexOf('=');
        const typed = this.original(value);
        if (eq < 0) return typed;
        const v = value.slice(eq + 1);
        return /^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/.test(v) ? value.slice(0, eq + 1) + readInputDates(v, calendar) : typed;
      }
      default:
        return this.original(value);
    }
  }

  /** Every option and argument of the command, each read by its kind. */
  readCommand(cmd: Command, calendar: CalendarKind): void {
    const each = (v: unknown, kind: InputKind): unknown => (typeof v === 'string' ? this.read(v, kind, calendar) : Array.isArray(v) ? v.map((x) => each(x, kind)) : v);
    for (const [key, value] of Object.entries(cmd.opts())) {
      const next = each(value, optionKind(key));
      if (next !== value) cmd.setOptionValue(key, next);
    }
    cmd.processedArgs.forEach((v, i) => {
      const arg = cmd.registeredArguments[i];
      cmd.processedArgs[i] = each(v, arg ? argumentKind(arg.name(), cmd.name()) : 'value');
    });
  }
}
