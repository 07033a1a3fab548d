/**
 * Issue #16 item 4: one rule, one place. `crm import deals` parses amounts, probabilities and
 * stages with the domain's parsers, so a value is accepted by import exactly when `crm deal add`
 * accepts it, and stored the same. fast-check feeds both paths the same random values.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, tempDb } from '../helpers/run-cli.js';

const amountText = fc
  .record({
    sign: fc.constantFrom('', '', '-', '+'),
    symbol: fc.constantFrom('', '', '$', '€', '¥'),
    whole: fc.constantFrom('0', '5', '12', '500', '1250', '1,250', '1.250', '12,500,000', '99999999999999999', ''),
    fraction: fc.constantFrom('', '', '.5', '.50', '.505', ',50', '.0'),
    code: fc.constantFrom('', '', ' EUR', ' USD', ' JPY', ' XYZ', 'EUR'),
    pad: fc.constantFrom('', ' '),
  })
  .map((p) => `${p.pad}${p.sign}${p.symbol}${p.whole}${p.fraction}${p.code}${p.pad}`)
  .filter((t) => t.trim() !== '');

const stageRef = fc.constantFrom('Prospecting', 'prosp', 'qual', 'Quote', 'q', 'Negotiation', 'n', 'Won', 'w', 'Lost', 'l', 'Closed Won', 'closed won', 'CLOSED-LOST', 'Proposal/Price Quote', 'Negotiation/Review', 'proposal', 'Engaging', 'x', 'Prospecting ', 'quotes');
const probability = fc.constantFrom('40', '40%', '40.0', '100', '101', '-5', '4.5', 'none', 'stage', 'forty', '0');

/** deal add's verdict: accepted (and what it stored), or the error code. */
async function viaCommand(db: string, args: string[]): Promise<{ ok: true; deal: any } | { ok: false; code: string }> {
  const r = await runCli(['deal', 'add', 'Same values', '--currency', 'USD', '--json', ...args], { db });
  if (r.exitCode === 0) return { ok: true, deal: r.json() };
  expect([1, 2], r.stderr).toContain(r.exitCode);
  return { ok: false, code: JSON.parse(r.stderr).error.code };
}

describe('property: import deals accepts a value exactly when crm deal add does', () => {
  it('amounts, probabilities and stages, through both paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ amount: amountText, stage: stageRef, probability }), { minLength: 1, maxLength: 4 }), async (values) => {
        const tmp = tempDb();
        try {
          const init = await runCli(['db', 'init', '--db', tmp.db]);
          expect(init.exitCode, init.stderr).toBe(0);
          const f = join(tmp.dir, 'deals.csv');
          writeFileSync(f, stringify([['external_id', 'title', 'amount', 'stage', 'probability'], ...values.map((v, i) => [`D-${i}`, 'Same values', v.amount, v.stage, v.probability])]));
          const imported = await runCli(['import', 'deals', f, '--currency', 'USD', '--skip-invalid', '--rejects', join(tmp.dir, 'rejects.csv'), '--json'], { db: tmp.db });
          expect(imported.exitCode, imported.stderr).toBe(0);
          const outcomes = new Map<number, any>(imported.json().details.map((d: any) => [d.row, d]));
          const stored = new Map<string, any>(((await runCli(['export', 'deals', '--json'], { db: tmp.db })).json() as any[]).map((d) => [d.externalId, d]));

          for (const [i, v] of values.entries()) {
            const rejected = outcomes.get(i + 2)?.outcome === 'rejected' ? outcomes.get(i + 2).error : undefined;
            const label = `${JSON.stringify(v)} → import ${rejected ? `rejected (${rejected.column}: ${rejected.reason})` : 'accepted'}`;
            // One value at a time through the command. Import names the first bad value of a row,
            // in the order it reads them: amount, stage, probability.
            const amount = await viaCommand(tmp.db, [`--amount=${v.amount}`]);
            expect(amount.ok, `amount ${label}`).toBe(rejected?.column !== 'amount');
            // A new deal must start in an open stage: a won or lost stage is resolved (not unknown) all the same.
            const stage = await viaCommand(tmp.db, [`--stage=${v.stage}`]);
            const resolved = stage.ok || !['unknown_stage', 'ambiguous_stage'].includes(stage.code);
            if (rejected?.column !== 'amount') expect(resolved, `stage ${label}`).toBe(rejected?.column !== 'stage');
            const prob = await viaCommand(tmp.db, [`--probability=${v.probability}`]);
            if (rejected?.column !== 'amount' && rejected?.column !== 'stage') expect(prob.ok, `probability ${label}`).toBe(rejected?.column !== 'probability');
            if (!rejected) {
              const deal = stored.get(`D-${i}`);
              if (amount.ok) expect(deal.amount, label).toEqual(amount.deal.amount);
              if (stage.ok) expect(deal.stage, label).toBe(stage.deal.stage.name);
            }
          }
        } finally {
          tmp.cleanup();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('the examples of the issue', () => {
  it('"-500 EUR" is refused by import as by deal add; a stage prefix works in import; "closed won" works in deal move', async () => {
    const tmp = tempDb();
    try {
      expect((await runCli(['db', 'init'], { db: tmp.db })).exitCode).toBe(0);
      const f = join(tmp.dir, 'd.csv');
      writeFileSync(f, 'external_id,title,amount,stage\nD-1,Refund,-500 EUR,qual\nD-2,Prefix,500 EUR,qual\n');
      const r = await runCli(['import', 'deals', f], { db: tmp.db });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('row 2, amount "-500 EUR": A deal amount cannot be negative: "-500 EUR"');
      expect(r.stderr).not.toContain('row 3');
      const add = await runCli(['deal', 'add', 'Prefix', '--amount', '500 EUR', '--stage', 'qual'], { db: tmp.db });
      expect(add.exitCode, add.stderr).toBe(0);
      const move = await runCli(['deal', 'move', add.stdout.trim(), 'closed won'], { db: tmp.db });
      expect(move.exitCode, move.stderr).toBe(0);
      expect((await runCli(['deal', 'show', add.stdout.trim(), '--json'], { db: tmp.db })).json()).toMatchObject({ stage: { name: 'Won' } });
    } finally {
      tmp.cleanup();
    }
  });
});
