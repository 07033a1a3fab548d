/**
 * Issue #14 item 5 (tickets without a status keep what their times prove; a trailing all-empty
 * record is skipped and reported) and item 3's content part (a rejected row keeps every cell in
 * the rejects file). Fixtures: excerpts of the shared datasets (test/fixtures/import/SOURCE.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));
const t = useTempDb();
const { crm, ok } = t;

function file(name: string, text: string): string {
  const f = join(t.dir, name);
  writeFileSync(f, text);
  return f;
}

type Ticket = { externalId: string; status: string; solved: string | null; closed: string | null };

async function tickets(): Promise<Ticket[]> {
  return (await ok(['export', 'tickets', '--json'])).json();
}

describe('tickets imported without a status column', () => {
  it('Kaggle tickets: a resolution time means solved (kept, with its status event), the others are new; the trailing empty record is skipped', async () => {
    const r = await ok(['import', 'tickets', join(FIXTURES, 'kaggle-tickets-no-status.csv')]);
    expect(r.stdout).toContain('6 rows: 6 created, 0 updated, 0 unchanged, 0 rejected');
    expect(r.stdout).toContain('skipped 1 empty row\n');
    const byId = new Map((await tickets()).map((x) => [x.externalId, x]));
    expect(byId.get('3')).toMatchObject({ status: 'solved', solved: '2023-06-01T18:05:00.000Z' });
    expect(byId.get('4')).toMatchObject({ status: 'solved', solved: '2023-06-01T01:57:00.000Z' });
    for (const id of ['1', '2', '6', '7']) expect(byId.get(id)).toMatchObject({ status: 'new', solved: null });
    // The SLA engine reads the event log: the solved ticket has its status change at the resolution time.
    const db = new Database(t.db, { readonly: true });
    const events = db.prepare("SELECT e.to_value, e.at FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.external_id = '3' AND e.kind = 'status'").all();
    db.close();
    expect(events).toEqual([{ to_value: 'solved', at: '2023-06-01T18:05:00.000Z' }]);
    // Re-importing changes nothing.
    expect((await ok(['import', 'tickets', join(FIXTURES, 'kaggle-tickets-no-status.csv')])).stdout).toContain('6 rows: 0 created, 0 updated, 6 unchanged, 0 rejected');
  });

  it('ITSM incidents without their state: a closing time means closed, the resolution time stays the solved time', async () => {
    await ok(['import', 'tickets', join(FIXTURES, 'itsm-incidents-no-state.csv'), '--date-format', 'DMY', '--create-missing', 'users']);
    const all = await tickets();
    expect(all.map((x) => [x.externalId, x.status, x.solved, x.closed])).toEqual([
      ['INC0000045', 'closed', '2016-02-29T11:29:00.000Z', '2016-03-05T12:00:00.000Z'],
      ['INC0000047', 'closed', '2016-03-01T09:52:00.000Z', '2016-03-06T10:00:00.000Z'],
      ['INC0000057', 'closed', '2016-03-01T02:55:00.000Z', '2016-03-06T03:00:00.000Z'],
    ]);
  });

  it('an inferred status solves a new ticket on re-import but never takes a closed one back to solved', async () => {
    await ok(['import', 'tickets', file('a.csv', 'id,subject,status\nT-1,One,new\nT-2,Two,closed\n')]);
    const r = await ok(['import', 'tickets', file('b.csv', 'id,subject,resolved at\nT-1,One,2026-11-02 10:00\nT-2,Two,2026-11-02 11:00\n')]);
    expect(r.stdout).toContain('row 2: updated #1: status, solved');
    expect((await tickets()).map((x) => [x.externalId, x.status, x.solved])).toEqual([
      ['T-1', 'solved', '2026-11-02T10:00:00.000Z'],
      ['T-2', 'closed', '2026-11-02T11:00:00.000Z'],
    ]);
  });

  it('a status that says "not solved" next to a resolution time is a warning naming the row, never a silent drop', async () => {
    const f = file('t.csv', 'id,subject,status,resolved at\nT-1,Broken,open,2026-11-02 10:00\nT-2,Fixed,,2026-11-03 10:00\n');
    const r = await ok(['import', 'tickets', f]);
    expect(r.stderr).toContain('warning: ');
    expect(r.stderr).toContain('row 2, resolved at "2026-11-02 10:00": not imported: the status "open" says the ticket is not solved');
    expect((await tickets()).map((x) => [x.externalId, x.status, x.solved])).toEqual([
      ['T-1', 'open', null],
      ['T-2', 'solved', '2026-11-03T10:00:00.000Z'],
    ]);
    const closedTime = await ok(['import', 'tickets', file('c.csv', 'id,subject,status,closed at\nT-3,Done,solved,2026-11-04 10:00\n')]);
    expect(closedTime.stderr).toContain('row 2, closed at "2026-11-04 10:00": not imported: the status "solved" says the ticket is not closed');
  });
});

describe('all-empty records', () => {
  it('a trailing ",," record (and one in the middle) is skipped and reported, not a reason to reject the file', async () => {
    const r = await ok(['import', 'contacts', file('c.csv', 'name,email\nAna Lima,ana@x.test\n,\nBo Chen,bo@x.test\n,\n')]);
    expect(r.stdout).toContain('2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected');
    expect(r.stdout).toContain('skipped 2 empty rows');
    const t2 = await ok(['import', 'tickets', file('t.csv', 'a,b\n1,2\n,\n'), '--map', 'a=external_id,b=subject', '--json']);
    expect(t2.json()).toMatchObject({ rows: 1, created: 1, skippedEmpty: 1 });
  });
});

describe('unique values', () => {
  it('a row whose external id belongs to another record is a rejected row naming it, not an internal error', async () => {
    await ok(['import', 'contacts', file('s.csv', 'name,email,external_id\nA One,a@x.test,X-0\nB Two,b@x.test,\n')]);
    const r = await crm(['import', 'contacts', file('u.csv', 'name,email,external_id\nB Two,b@x.test,X-0\nC New,c@x.test,X-0\n')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toContain('row 2, external_id "X-0": another contact already has this external id');
    expect(r.stderr).toContain('row 3, external_id "X-0": external id "X-0" already belongs to contact #1, whose email is not this row\'s');
    // Two new rows of one file with one external id: the second is refused the same way.
    const w = await crm(['import', 'contacts', file('w.csv', 'name,email,external_id\nD,d@x.test,Y-1\nE,e@x.test,Y-1\n')]);
    expect(w.stderr).toContain('row 3, external_id "Y-1": external id "Y-1" already belongs to contact #');
  });
});

describe('the rejects file keeps every cell of a rejected row', () => {
  it('a row longer than the header keeps its extra cells, in order; a short row is padded', async () => {
    const f = file('p.csv', 'name,email\nAna Lima,ana@x.test\nBo Chen,bo@x.test,+1 555 0100,extra\nShort\n');
    const rejects = join(t.dir, 'p.rejects.csv');
    const r = await crm(['import', 'contacts', f, '--skip-invalid', '--rejects', rejects]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('3 rows: 1 created, 0 updated, 0 unchanged, 2 rejected');
    const rows = parse(readFileSync(rejects), { relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(['name', 'email', 'crm_import_error']);
    expect(rows[1]).toEqual(['Bo Chen', 'bo@x.test', '+1 555 0100', 'extra', 'has 4 fields but the header has 2 (a ragged row: check its quotes and delimiters)']);
    expect(rows[2]).toEqual(['Short', '', 'has 1 fields but the header has 2 (a ragged row: check its quotes and delimiters)']);
  });
});
