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

/** A token a value came from: its index in argv, and where in it the value starts (after "--x=" or "-x"). */
interface Source {
  index: number;
  at: number;
}

/**
 * The original text of each token, by its position in argv: a value is given back the text of the
 * token it came from, never of another token that happens to normalise to the same ASCII
 * (`--title 12 --amount ۱۲` keeps the title "12"). Which token an option value or an argument
 * came from is found by walking argv as commander does (the command path, each option and the
 * tokens it takes, `--`, the operands).
 */
export class TypedArgs {
  private raw: string[] = [];
  private ascii: string[] = [];
  private optionSources = new Map<string, Source[]>();
  private operandSources: number[] = [];

  /** argv with ASCII digits; the tokens as typed are kept by position. */
  normalise(argv: string[]): string[] {
    this.raw = [...argv];
    this.ascii = argv.map((arg) => inputDigits(arg));
    return [...this.ascii];
  }

  private text(src: Source, of: string[]): string {
    const t = of[src.index]!;
    // "--x=" is ASCII in both forms, so the offset is the same in the typed token.
    return src.at ? t.slice(src.at) : t;
  }

  /** The typed text of the source of `value` among `sources` (from `from` on), or undefined. */
  private typedFrom(value: string, sources: Source[], from = 0): { typed: string; next: number } | undefined {
    for (let i = from; i < sources.length; i++) {
      if (this.text(sources[i]!, this.ascii) === value) return { typed: this.text(sources[i]!, this.raw), next: i + 1 };
    }
    return undefined;
  }

  /** Which tokens each option value and each operand of `cmd` came from. */
  private locate(cmd: Command): void {
    const chain: Command[] = [];
    for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
    const options = chain.flatMap((c) => c.options);
    const find = (flag: string) => options.find((o) => o.long === flag || o.short === flag);
    const add = (key: string, src: Source) => {
      const list = this.optionSources.get(key) ?? [];
      list.push(src);
      this.optionSources.set(key, list);
    };
    let depth = 1;
    let operandsOnly = false;
    const tokens = this.ascii;
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (operandsOnly) {
        this.operandSources.push(i);
        continue;
      }
      if (tok === '--') {
        operandsOnly = true;
        continue;
      }
      if (tok.startsWith('-') && tok.length > 1 && !/^-\d/.test(tok)) {
        const eq = tok.indexOf('=');
        if (tok.startsWith('--') && eq > 0) {
          const o = find(tok.slice(0, eq));
          if (o) add(o.attributeName(), { index: i, at: eq + 1 });
          continue;
        }
        const attached = !tok.startsWith('--') && tok.length > 2 ? find(tok.slice(0, 2)) : undefined;
        if (attached && (attached.required || attached.optional)) {
          add(attached.attributeName(), { index: i, at: 2 }); // -o۱۲.csv: the value in the flag's own token
          continue;
        }
        const o = find(tok);
        if (!o || !(o.required || o.optional)) continue;
        const takes = (j: number) => j < tokens.length && (o.required || !tokens[j]!.startsWith('-')) && tokens[j] !== '--';
        if (!takes(i + 1)) continue;
        add(o.attributeName(), { index: ++i, at: 0 });
        if (o.variadic) while (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-')) add(o.attributeName(), { index: ++i, at: 0 });
        continue;
      }
      const next = chain[depth];
      if (next && (next.name() === tok || next.aliases().includes(tok))) depth++;
      else this.operandSources.push(i);
    }
  }

  /** Each value of option `key` with its typed text, when it came from a token that normalised. */
  private typedOption(key: string, value: unknown): unknown {
    const sources = this.optionSources.get(key) ?? [];
    if (typeof value === 'string') {
      // A repeated single-value option keeps its last value: look from the last token back.
      for (let i = sources.length - 1; i >= 0; i--) if (this.text(sources[i]!, this.ascii) === value) return this.text(sources[i]!, this.raw);
      return value;
    }
    if (Array.isArray(value)) {
      let from = 0;
      return value.map((v) => {
        if (typeof v !== 'string') return v;
        const hit = this.typedFrom(v, sources, from);
        if (!hit) return v;
        from = hit.next;
        return hit.typed;
      });
    }
    return value;
  }

  /** The operand at argument position `at` (an array for a variadic last argument), typed. */
  private typedOperand(value: unknown, at: number): unknown {
    const one = (v: unknown, index: number | undefined) => (typeof v === 'string' && index !== undefined && this.ascii[index] === v ? this.raw[index] : v);
    if (Array.isArray(value)) return value.map((v, j) => one(v, this.operandSources[at + j]));
    return one(value, this.operandSources[at]);
  }

  /** One value read by its kind (see the file's comment); `typed` is its text as typed. */
  read(value: string, kind: InputKind, calendar: CalendarKind, typed: string = value): string {
    switch (kind) {
      case 'value':
        return readInputDates(value, calendar);
      case 'search':
        return value;
      case 'ref':
        return /^\s*(?:[a-z]+:)?#?\d+\s*$/i.test(value) ? value : typed;
      case 'set': {
        const eq = value.indexOf('=');
        if (eq < 0) return typed;
        const v = value.slice(eq + 1);
        return /^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/.test(v) ? value.slice(0, eq + 1) + readInputDates(v, calendar) : typed;
      }
      default:
        return typed;
    }
  }

  /** Every option and argument of the command, each read by its kind. */
  readCommand(cmd: Command, calendar: CalendarKind): void {
    this.optionSources.clear();
    this.operandSources = [];
    this.locate(cmd);
    const each = (v: unknown, typed: unknown, kind: InputKind): unknown =>
      typeof v === 'string' ? this.read(v, kind, calendar, typeof typed === 'string' ? typed : v) : Array.isArray(v) ? v.map((x, i) => each(x, Array.isArray(typed) ? typed[i] : x, kind)) : v;
    for (const [key, value] of Object.entries(cmd.opts())) {
      const next = each(value, this.typedOption(key, value), optionKind(key));
      if (next !== value && JSON.stringify(next) !== JSON.stringify(value)) cmd.setOptionValue(key, next);
    }
    cmd.processedArgs.forEach((v, i) => {
      const arg = cmd.registeredArguments[i];
      cmd.processedArgs[i] = each(v, this.typedOperand(v, i), arg ? argumentKind(arg.name(), cmd.name()) : 'value');
    });
  }
}
