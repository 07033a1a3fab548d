/**
 * Issue 14 item 10: several people changing one record at once, none with --if-version, are not
 * refused "changed by someone else" — each command reads and writes inside one write transaction
 * and waits its turn — and no change is lost. --if-version with a stale version is still refused.
 * Real processes (bin/crm, built dist/) all started together; bounded by count, not by time.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm, type Finished } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-concurrent-'));
const db = join(dir, 'crm.db');
const WRITERS = 6; // per kind of change; 4 kinds plus three moves run at the same time

/** A long lock wait (about 80 s in all) so that a busy machine makes writers wait, never give up. */
async function crm(args: string[]): Promise<Finished> {
  return runCrm(['--db', db, ...args], { CRM_BUSY_TIMEOUT: '20000' }).done;
}

async function ok(args: string[]): Promise<string> {
  const f = await crm(args);
  if (f.code !== 0) throw new Error(`crm ${args.join(' ')} → ${f.code}: ${f.stderr}`);
  return f.stdout.trim();
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    return raw.prepare(sql).all(...params) as T[];
  } finally {
    raw.close();
  }
}

beforeAll(async () => {
  await ok(['db', 'init']);
  await ok(['contact', 'add', 'Pat One', '--email', 'pat@example.com']);
  await ok(['deal', 'add', 'Big deal', '--contact', '1', '--amount', '1000 EUR']);
  await ok(['ticket', 'add', 'Printer on fire', '--contact', '1']);
}, 60000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('concurrent changes to one record without --if-version', () => {
  it('all succeed, none is refused as stale, and every change is kept', async () => {
    const range = [...Array(WRITERS).keys()];
    const commands: string[][] = [
      ...range.map((i) => ['deal', 'edit', '1', '--add-tag', `d${i}`]),
      ...['qualification', 'quote', 'negotiation'].map((stage) => ['deal', 'move', '1', stage]),
      ...range.map((i) => ['contact', 'edit', '1', '--add-tag', `c${i}`]),
      ...range.map((i) => ['ticket', i % 2 ? 'note' : 'reply', '1', `text ${i}`]),
      ...range.map((i) => ['ticket', 'edit', '1', '--tag', `t${i}`]),
    ];
    const results = await Promise.all(commands.map((args) => crm(args)));
    const failures = results.map((r, i) => ({ args: commands[i]!.join(' '), code: r.code, stderr: r.stderr.trim() })).filter((r) => r.code !== 0);
    expect(failures).toEqual([]);
    expect(results.map((r) => r.stderr).join('\n')).not.toMatch(/changed by someone else/);

    // No lost update: every tag added by a separate process is there.
    const tagsOf = (entity: string) => query<{ tag: string }>('SELECT tag FROM tags WHERE entity_type = ? AND entity_id = 1 ORDER BY tag', entity).map((r) => r.tag);
    expect(tagsOf('deal')).toEqual(range.map((i) => `d${i}`));
    expect(tagsOf('contact')).toEqual(range.map((i) => `c${i}`));
    expect(tagsOf('ticket')).toEqual(range.map((i) => `t${i}`));
    // Every move is in the history (after the first stage), every reply and note in the ticket's events.
    const moves = query<{ n: number }>('SELECT count(*) AS n FROM deal_stage_history WHERE deal_id = 1 AND from_stage_id IS NOT NULL')[0]!.n;
    expect(moves).toBe(3);
    const texts = query<{ body: string }>("SELECT body FROM ticket_events WHERE ticket_id = 1 AND kind IN ('reply', 'note') ORDER BY body").map((r) => r.body);
    expect(texts).toEqual(range.map((i) => `text ${i}`));
    // Each change raised the version by one: none was written over another.
    const [deal] = query<{ version: number }>('SELECT version FROM deals WHERE id = 1');
    expect(deal!.version).toBe(1 + WRITERS + 3);
  }, 180000);

  it('--if-version with a stale version is still refused, naming the current version', async () => {
    const [deal] = query<{ version: number }>('SELECT version FROM deals WHERE id = 1');
    const f = await crm(['deal', 'edit', '1', '--title', 'Renamed', '--if-version', String(deal!.version - 1)]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`it is at version ${deal!.version}, not ${deal!.version - 1}`);
    expect(query<{ title: string }>('SELECT title FROM deals WHERE id = 1')[0]!.title).toBe('Big deal');
    const t = await crm(['ticket', 'reply', '1', 'late', '--if-version', '1']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/changed by someone else/);
  }, 60000);
});
