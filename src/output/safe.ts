/**
 * Terminal-safe text: data from the database may hold escape sequences (a contact named
 * "\x1b[2J…") that would act on the terminal. The rule, applied by the writer of stdout and
 * stderr (terminalSafe in ../io.ts) so no command can forget it:
 *
 * - a stream that is a terminal receives no control byte but tab and newline, no escape
 *   sequence and no bidi override — except the sequences crm itself means to write (colour,
 *   the import progress bar's carriage return), which are built with `intended()`;
 * - a stream that is not a terminal (a file, a pipe) receives the bytes as written: `crm
 *   export`, ICS and JSON carry the stored text exactly for the program that reads them.
 *
 * The tables, TSV cells and record views also fold text with safeCell/safeBlock, so a value
 * cannot break their layout (a newline inside a TSV cell) whatever the stream is.
 */
// ESC-introduced sequences: CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and two-byte escapes.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]/g;
// Remaining C0 (except tab/newline, handled by callers), DEL, C1, and bidi embedding/override/isolate controls.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function stripUnsafe(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '');
}

/** One-line cell text: also folds tabs and newlines to spaces. */
export function safeCell(text: string): string {
  return stripUnsafe(text).replace(/[\t\r\n]+/g, ' ');
}

/** Multi-line text (descriptions, notes): keeps newlines, strips the rest. */
export function safeBlock(text: string): string {
  return stripUnsafe(text.replace(/\r\n?/g, '\n')).replace(/\t/g, '    ');
}

/*
 * Intended control bytes travel as a marker no stored text can hold: two Unicode
 * noncharacters around a key drawn when the process starts, then the byte in hex. Text from the
 * database was written by an earlier process and cannot know the key; the writer turns the
 * markers back into bytes after it has removed every other control byte.
 */
const KEY = Math.random().toString(36).slice(2, 12);
const MARK = `\uFDD0${KEY}\uFDD1`;
const MARKED = new RegExp(`${MARK}([0-9a-f]{2})`, 'g');

/** A control sequence crm means to write (an SGR colour code, a carriage return). */
export function intended(sequence: string): string {
  return sequence.replace(/[\u0000-\u001f\u007f]/g, (c) => MARK + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Whether text holds an intended control sequence (what `includes('\x1b')` was for raw codes). */
export function hasIntended(text: string): boolean {
  return text.includes(MARK);
}

/** The intended sequences as bytes; nothing else changes (for a file or pipe). */
export function realize(text: string): string {
  return text.includes('\uFDD0') ? text.replace(MARKED, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

/** What a stream may receive: on a terminal only safe text and intended sequences; else the bytes as written. */
export function terminalText(text: string, isTerminal: boolean): string {
  return realize(isTerminal ? stripUnsafe(text) : text);
}

/**
 * JSON text with DEL, C1, bidi controls and the line/paragraph separators written as \u escapes:
 * the same JSON value, but nothing a terminal would act on, so the writer need not change it
 * (JSON.stringify already escapes C0). These characters occur only inside JSON strings.
 */
export function jsonEscaped(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
