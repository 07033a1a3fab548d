import { describe, expect, it } from 'vitest';
import { isValidEmail, normalizeEmail, normalizePhone } from '../../src/domain/validate.js';

// The rules as regular expressions: the char loops in validate.ts must answer exactly like them.
const emailByRule = (e: string) => /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u.test(e) && e.length <= 254;
function phoneByRule(p: string): string | null {
  const t = p.trim();
  if (t === '') return null;
  if (!/\d/.test(t) || !/^[+\d\s().\-/x#*]+$/i.test(t)) return 'invalid';
  return t.replace(/\s+/g, ' ');
}
const phoneOf = (p: string) => {
  try {
    return normalizePhone(p);
  } catch {
    return 'invalid';
  }
};

/** Deterministic strings over an alphabet (a small linear congruential generator). */
function* samples(alphabet: string[], count: number, maxLength: number): Generator<string> {
  let seed = 12345;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    let s = '';
    const length = next(maxLength + 1);
    for (let j = 0; j < length; j++) s += alphabet[next(alphabet.length)];
    yield s;
  }
}

describe('email validation', () => {
  it('accepts and refuses what the rule does', () => {
    for (const e of ['sara@example.com', 'a.b+c@x.y.z', 'a..b@x.y', '.a@x.y', 'a.@x.y', 'üser@exämple.de', 'a@b.c', 'x\u0001@y.z']) expect(isValidEmail(e)).toBe(true);
    for (const e of ['', '@x.y', 'a@', 'a@x', 'a@x.', 'a@.x', 'a@x..y', 'a@@x.y', 'a@b@c.d', 'a b@x.y', 'a@x.y\t', 'a\u00a0b@x.y', 'a@x.y\u2028', `${'a'.repeat(250)}@x.yz`]) {
      expect(isValidEmail(e)).toBe(false);
    }
    expect(normalizeEmail('  Sara@Example.com ')).toBe('Sara@Example.com');
    expect(() => normalizeEmail('sara@')).toThrow(/not a valid email/);
  });
  it('agrees with the regular expression on generated addresses', () => {
    const alphabet = ['a', 'Z', '0', '@', '.', '.', '@', ' ', '\t', '\n', '-', '+', "'", 'é', '\u00a0', '\u3000', '\ud83d\ude00', '\ud800', '\u0000'];
    let n = 0;
    for (const e of samples(alphabet, 200_000, 9)) {
      if (isValidEmail(e) !== emailByRule(e)) throw new Error(`isValidEmail(${JSON.stringify(e)}) disagrees with the rule`);
      n++;
    }
    expect(n).toBe(200_000);
  });
});

describe('phone normalisation', () => {
  it('keeps numbers, collapses whitespace and refuses other text', () => {
    expect(normalizePhone('+49 30 1234 5678')).toBe('+49 30 1234 5678');
    expect(normalizePhone('  +1 (555)   123-4567 x12 ')).toBe('+1 (555) 123-4567 x12');
    expect(normalizePhone('030\t1234\u00a05678')).toBe('030 1234 5678');
    expect(normalizePhone('*31#')).toBe('*31#');
    expect(normalizePhone('   ')).toBeNull();
    expect(normalizePhone(null)).toBeNull();
    for (const p of ['pager', '++--', '+49 30 1234 ext', '030-１２３']) expect(() => normalizePhone(p)).toThrow(/not a valid phone number/);
    expect(() => normalizePhone('fax', 'mobile')).toThrow(/not a valid mobile number/);
  });
  it('agrees with the regular expressions on generated numbers', () => {
    const alphabet = ['0', '7', '+', ' ', ' ', '\t', '\r', '(', ')', '.', '-', '/', 'x', 'X', '#', '*', 'a', ',', '\u00a0', '\u2009', '\ufeff', '١', 'é'];
    let n = 0;
    for (const p of samples(alphabet, 200_000, 8)) {
      if (phoneOf(p) !== phoneByRule(p)) throw new Error(`normalizePhone(${JSON.stringify(p)}) disagrees with the rule`);
      n++;
    }
    expect(n).toBe(200_000);
  });
});
