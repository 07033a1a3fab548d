/** Field validation shared by commands, imports and the TUI. */
import { UserError } from '../errors.js';

// Pragmatic: local@domain.tld, no spaces, one @, a dot in the domain. Unicode letters allowed (EAI).
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u;

export function isValidEmail(email: string): boolean {
  return EMAIL_RE.test(email) && email.length <= 254;
}

export function normalizeEmail(email: string | undefined | null): string | null {
  if (email === undefined || email === null) return null;
  const e = email.trim();
  if (e === '') return null;
  if (!isValidEmail(e)) throw new UserError(`"${email}" is not a valid email address.`, 'Write it like name@example.com.', 'invalid_email');
  return e;
}

export function normalizePhone(phone: string | undefined | null, field = 'phone'): string | null {
  if (phone === undefined || phone === null) return null;
  const p = phone.trim();
  if (p === '') return null;
  if (!/\d/.test(p) || !/^[+\d\s().\-/x#*]+$/i.test(p)) {
    throw new UserError(`"${phone}" is not a valid ${field} number.`, 'Use digits, spaces, + ( ) - only, e.g. "+49 30 1234 5678".', 'invalid_phone');
  }
  return p.replace(/\s+/g, ' ');
}

export function cleanText(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const v = value.trim();
  return v === '' ? null : v;
}

export function requireDate(value: string, what: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return value.trim();
  }
  throw new UserError(`${what} "${value}" is not a date.`, 'Use YYYY-MM-DD, e.g. 2026-12-15.', 'invalid_date');
}

/** "Sara Rahimi" → Sara / Rahimi; "李伟" → 李伟 / ""; "Anna Maria von Trapp" → Anna Maria von / Trapp? No: first word / rest. */
export function splitName(full: string): { first: string; last: string } {
  const parts = full.trim().split(/\s+/);
  if (parts.length === 1) return { first: parts[0]!, last: '' };
  return { first: parts[0]!, last: parts.slice(1).join(' ') };
}

export function fullName(first: string | null, last: string | null): string {
  return [first, last].filter((p) => p && p.trim() !== '').join(' ');
}
