/**
 * Satisfaction (CSAT) imported with tickets obeys crm ticket rate's rule: a score goes on a solved
 * or closed ticket only — the status the row gives, else the stored ticket's (an update), else
 * the new ticket's. A refused row is named (row, column, value) and kept whole in the rejects
 * file; the other rows are imported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(ENGINES)('%s', (engine) => {
  const t = useTempDb({ engine });
  const { crm, ok } = t;
  const file = (name: string, text: string) => {
    const f = join(t.dir, name);
    writeFileSync(f, text);
    return f;
  };
  const rated = async () => Object.fromEntries(((await ok(['export', 'tickets', '--json'])).json() as { externalId: string; satisfaction: number | null }[]).map((x) => [x.externalId, x.satisfaction]));

  it('takes a score on a solved or closed ticket and refuses it, naming the row, on any other: the status the row gives, else the stored one', async () => {
    const rejects = join(t.dir, 'csat.rejects.csv');
    const r = await crm(['import', 'tickets', file('csat.csv', 'id,subject,status,resolved at,satisfaction\nC-1,Done,solved,,5\nC-2,Waiting,pending,,2\nC-3,Fresh,,,4\nC-4,Closed by time,,2026-11-02 10:00,3\nC-5,No score,open,,\n'), '--skip-invalid', '--rejects', rejects]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('5 rows: 3 created, 0 updated, 0 unchanged, 2 rejected');
    const rows = parse(readFileSync(rejects)) as string[][];
    expect(rows.slice(1)).toEqual([
      ['C-2', 'Waiting', 'pending', '', '2', expect.stringContaining("the row's ticket is pending; only a solved or closed ticket can be rated")],
      ['C-3', 'Fresh', '', '', '4', expect.stringContaining('a new ticket is new; only a solved or closed ticket can be rated')],
    ]);
    expect(await rated()).toEqual({ 'C-1': 5, 'C-4': 3, 'C-5': null });

    // A score without a status: checked against the stored ticket.
    const upd = await crm(['import', 'tickets', file('upd.csv', 'id,subject,satisfaction\nC-1,Done,4\nC-5,No score,2\n')]);
    expect(upd.exitCode).toBe(1);
    expect(upd.stderr).toMatch(/row 3, satisfaction "2": ticket #\d+ is open; only a solved or closed ticket can be rated/);
    const ok2 = await crm(['import', 'tickets', file('upd2.csv', 'id,subject,satisfaction\nC-1,Done,4\n')]);
    expect(ok2.exitCode).toBe(0);
    expect(ok2.stdout).toContain('row 2: updated #1: satisfaction\n');
    expect(await rated()).toEqual({ 'C-1': 4, 'C-4': 3, 'C-5': null });
  });
});
