/**
 * Case- and form-insensitive text for search in any script: NFKC, Unicode lower case,
 * Arabic-script variants unified (Arabic yeh/kaf vs Persian ی/ک, hamza forms), diacritics
 * of Arabic script removed. Used to fill *_fold / search_text columns and to fold needles.
 */
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;

const PRINTABLE_ASCII = /^[ -~]*$/;

export function fold(text: string | null | undefined): string {
  if (!text) return '';
  // Printable ASCII is its own NFKC form, has no Arabic letters and no whitespace but the space.
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/ {2,}/g, ' ').trim();
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
  if (!phone) return '';
  // The runs of 0-9, as phone.replace(/\D+/g, '') keeps them — a loop is 2-4× faster, and
  // imports call this for every row.
  let out = '';
  let start = -1;
  for (let i = 0; i < phone.length; i++) {
    const c = phone.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out += phone.slice(start, i);
      start = -1;
    }
  }
  return start >= 0 ? out + phone.slice(start) : out;
}
