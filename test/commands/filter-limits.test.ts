/**
 * Issue 14 item 9 (filters): a filter of 1,000 words ended in "internal error: Expression tree is
 * too large" with a stack trace. Terms are AND-ed in a balanced tree, so long filters work; past
 * the documented limits (src/db/filter.ts) the answer is one usage line naming the limit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_FILTER_TERMS, MAX_TERM_VALUES } from '../../src/db/filter.js';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm } = t;
const words = (n: number, prefix = 'x') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

beforeEach(async () => {
  await t.ok(['contact', 'add', 'Pat x1 x2', '--email', 'pat@example.com', '--tag', 'vip']);
  await t.ok(['deal', 'add', 'x1 deal', '--contact', '1']);
  await t.ok(['ticket', 'add', 'x1 broken', '--contact', '1']);
});

describe('long filters', () => {
  it('1,000 free-text terms work on every list (all must match: no row here)', async () => {
    for (const noun of ['contact', 'company', 'deal', 'ticket', 'activity']) {
      const r = await crm([noun, 'list', ...words(1000), '--json']);
      expect(r.stderr, noun).toBe('');
      expect(r.exitCode, noun).toBe(0);
      expect(r.json(), noun).toEqual([]);
    }
  });

  it('many terms still find what matches all of them', async () => {
    const r = await crm(['contact', 'list', ...Array(600).fill('x1'), ...Array(600).fill('+vip'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json().map((c: { id: number }) => c.id)).toEqual([1]);
  });

  it(`more than ${MAX_FILTER_TERMS} terms, or more than ${MAX_TERM_VALUES} values in one term: one usage line naming the limit`, async () => {
    const terms = await crm(['contact', 'list', ...words(MAX_FILTER_TERMS + 1)]);
    expect(terms.exitCode).toBe(2);
    expect(terms.stderr).toBe(`error: The filter has ${MAX_FILTER_TERMS + 1} terms; at most ${MAX_FILTER_TERMS} are allowed.\nhint: Narrow the filter, or run it in parts. See: crm help filters\n`);
    const values = await crm(['contact', 'list', `name:${words(1000).join(',')}`]);
    expect(values.exitCode).toBe(2);
    expect(values.stderr.split('\n')[0]).toBe(`error: The filter term "name:…" has 1000 values; one term takes at most ${MAX_TERM_VALUES}.`);
    const most = await crm(['contact', 'list', `name:${words(MAX_TERM_VALUES, 'pat').join(',')}`, '--json']);
    expect(most.exitCode, most.stderr).toBe(0);
  });
});
