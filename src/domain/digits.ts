/**
 * Persian (۰–۹, U+06F0…) and Arabic-Indic (٠–٩, U+0660…) digits, as Persian and Arabic keyboards
 * type them. Every number, date and amount crm reads passes through `inputDigits` once, at the
 * input boundary: each command-line argument (src/cli.ts main) and each imported cell
 * (src/csv/row.ts). Parsers after it see ASCII digits only.
 */

/** Whether the text holds a Persian or Arabic-Indic digit (or the Arabic decimal/thousands sign). */
export function hasEasternDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x06f0 && c <= 0x06f9) || (c >= 0x0660 && c <= 0x066c)) return true;
  }
  return false;
}

/** Every Persian and Arabic-Indic digit as its ASCII digit; ٫ (decimal sign) → ".", ٬ (thousands) → ",". */
export function latinDigits(text: string): string {
  if (!hasEasternDigits(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x06f0 && c <= 0x06f9) out += String.fromCharCode(0x30 + c - 0x06f0);
    else if (c >= 0x0660 && c <= 0x0669) out += String.fromCharCode(0x30 + c - 0x0660);
    else if (c === 0x066b) out += '.';
    else if (c === 0x066c) out += ',';
    else out += text[i];
  }
  return out;
}

/**
 * The value as a parser should see it: a number, date, amount, id, phone or filter written with
 * Persian or Arabic-Indic digits gets ASCII digits. Text in Arabic script (a name, an address, a
 * note: any Arabic-script letter) is kept exactly as written — "پلاک ۱۲" stays "پلاک ۱۲".
 */
export function inputDigits(text: string): string {
  if (!hasEasternDigits(text)) return text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x0600 && c <= 0x06ff && !(c >= 0x06f0 && c <= 0x06f9) && !(c >= 0x0660 && c <= 0x066c) && isArabicLetter(c)) return text;
  }
  return latinDigits(text);
}

/** Letters of the Arabic block (not digits, punctuation or signs such as ؋ ، ؛ ؟). */
function isArabicLetter(c: number): boolean {
  return (c >= 0x0620 && c <= 0x064a) || (c >= 0x066e && c <= 0x06d3) || c === 0x06d5 || (c >= 0x06fa && c <= 0x06fc) || c === 0x06ff;
}
