/**
 * Terminal-safe text: data from the database may hold escape sequences (a contact named
 * "\x1b[2J…") that would act on the terminal. Strip them, C0/C1 controls and bidi overrides
 * before anything reaches a TTY, TSV or table.
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
