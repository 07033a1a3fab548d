/**
 * Case- and form-insensitive text for search in any script: NFKC, Unicode lower case,
 * Arabic-script variants unified (Arabic yeh/kaf vs Persian ی/ک, hamza forms), diacritics
 * of Arabic script removed. Used to fill *_fold / search_text columns and to fold needles.
 */
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;

export function fold(text: string | null | undefined): string {
  if (!text) return '';
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(ARABIC_MARKS, '')
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/[\u0623\u0625\u0622]/g, '\u0627')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Digits only, so "+98 21 5555 0101" is found by "2155550101". */
export function phoneDigits(phone: string | null | undefined): string {
  return phone ? phone.replace(/\D+/g, '') : '';
}
