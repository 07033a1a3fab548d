/** What the terminal-safety tests look for in output written to a terminal. */

/** A control or escape byte a terminal would act on (tab and newline are text), or a bidi override. */
export const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The output without crm's own terminal codes: colour (src/output/color.ts) and the import progress bar. */
export function withoutOwnCodes(s: string): string {
  return s.replace(/\r[█░]+ +\d+% [^\r\n\u001b]*(?:\r\u001b\[K)?/g, '').replace(/\u001b\[(?:1|22|90|39|31|32|33|36)m/g, '');
}
