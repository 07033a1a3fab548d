/**
 * `kb search`'s snippet: the same text as the first implementation (each line spread into code
 * points), which took seconds on an 8 MB single-line article; now linear and without the arrays.
 * The old code is the oracle here, over lines with surrogate pairs, lone surrogates, NFKC
 * expansions (ﬁ → fi), blank lines and terms found, not found and repeated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snippetOf } from '../../src/domain/kb.js';

function oracle(body: string, terms: string[]): string {
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  const folded = lines.map((l) => l.normalize('NFKC').toLowerCase());
  for (const t of terms) {
    const i = folded.findIndex((l) => l.includes(t));
    if (i < 0) continue;
    const line = [...lines[i]!];
    const at = [...folded[i]!.slice(0, folded[i]!.indexOf(t))].length;
    const from = Math.max(0, at - 30);
    return `${from > 0 ? '…' : ''}${line.slice(from, from + 80).join('')}${from + 80 < line.length ? '…' : ''}`;
  }
  const first = [...(lines[0] ?? '')];
  return first.slice(0, 80).join('') + (first.length > 80 ? '…' : '');
}

const piece = fc.constantFrom('word ', 'Reset ', 'password', ' ', '\n', '\n\n', '  ', 'ﬁle ', '😀', 'é', 'É', '\ud83d', '\ude00', 'x'.repeat(40), 'پسورد ', '密码');

describe('kb search snippet', () => {
  it('equals the first implementation', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.constantFrom('reset', 'password', 'file', '😀', 'پسورد', '密码', 'nothing', 'é'), { maxLength: 3 }), (parts, terms) => {
        const body = parts.join('');
        expect(snippetOf(body, terms)).toBe(oracle(body, terms));
      }),
      { numRuns: 3000 },
    );
  });

  it('cuts a long single line around the term', () => {
    const body = 'word '.repeat(200_000) + 'needle here';
    expect(snippetOf(body, ['needle'])).toBe(oracle(body, ['needle']));
    expect(snippetOf(body, ['needle'])).toMatch(/^…word .*needle here$/);
  });
});
