/**
 * Optimistic concurrency for the ticket verbs: `--if-version N` refuses, changing nothing, when
 * the ticket is no longer at version N — checked inside the write transaction, so two writers
 * holding the same version cannot both succeed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliFor, tempDb } from '../helpers/run-cli.js';

let t: ReturnType<typeof tempDb>;
let crm: ReturnType<typeof cliFor>;

beforeEach(async () => {
  t = tempDb();
  crm = cliFor(t.db);
  await crm(['user', 'add', 'anna', '--name', 'Anna Keller', '--role', 'agent']);
  await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
  await crm(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com']);
});
afterEach(() => t.cleanup());

/** The ticket row, its events and its audit entries, read straight from the file. */
function stored(): { row: unknown; events: unknown[]; audit: unknown[] } {
  const raw = new BetterSqlite3(t.db, { readonly: true });
  try {
    return {
      row: raw.prepare('SELECT * FROM tickets WHERE id = 1').get(),
      events: raw.prepare('SELECT * FROM ticket_events WHERE ticket_id = 1 ORDER BY id').all(),
      audit: raw.prepare("SELECT * FROM audit_log WHERE entity = 'ticket' AND entity_id = 1 ORDER BY id").all(),
    };
  } finally {
    raw.close();
  }
}

async function version(): Promise<number> {
  return (await crm(['ticket', 'show', '1', '--json'])).json().version;
}

const staleMessage = (current: number, expected: number) =>
  `error: Ticket #1 was changed by someone else: it is at version ${current}, not ${expected}.\n` +
  `hint: Look again: crm ticket show 1 — then repeat with --if-version ${current} if the change still applies.\n`;

// [verb, what to do first so the verb is legal, the verb's arguments]
const VERBS: [string, string[][], string[]][] = [
  ['reply', [], ['ticket', 'reply', '1', 'On it']],
  ['note', [], ['ticket', 'note', '1', 'Checked the toner']],
  ['message', [], ['ticket', 'message', '1', 'Here is the serial number']],
  ['pending', [], ['ticket', 'pending', '1']],
  ['hold', [], ['ticket', 'hold', '1', '--note', 'Waiting for the courier']],
  ['solve', [], ['ticket', 'solve', '1']],
  ['close', [['ticket', 'solve', '1']], ['ticket', 'close', '1', '--csat', '5']],
  ['reopen', [['ticket', 'solve', '1']], ['ticket', 'reopen', '1']],
  ['assign', [], ['ticket', 'assign', '1', 'anna']],
  ['priority', [], ['ticket', 'priority', '1', 'urgent']],
  ['edit', [], ['ticket', 'edit', '1', '--category', 'billing', '--tag', 'vip']],
];

describe('ticket --if-version', () => {
  it('the version is shown by ticket show, on a terminal, piped and in JSON; every change raises it by one', async () => {
    expect(await version()).toBe(1);
    expect((await crm(['ticket', 'show', '1'], { tty: true })).stdout).toMatch(/Version: +1\n/);
    expect((await crm(['ticket', 'show', '1'])).stdout).toContain('\nversion\t1\n');
    const noted = await crm(['ticket', 'note', '1', 'x', '--json']);
    expect(noted.json().version).toBe(2);
    expect((await crm(['ticket', 'list', '--json'])).json()[0].version).toBe(2);
  });

  it.each(VERBS)('%s refuses a stale version and changes nothing (row, events, audit)', async (_verb, setup, argv) => {
    for (const a of setup) expect((await crm(a)).exitCode).toBe(0);
    const read = await version();
    // A colleague changes the ticket after we read it.
    expect((await crm(['ticket', 'note', '1', 'Meanwhile, a colleague', '--as', 'anna'])).exitCode).toBe(0);
    const before = stored();
    const shownBefore = (await crm(['ticket', 'show', '1', '--json'])).stdout;

    const r = await crm([...argv, '--if-version', String(read)]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(staleMessage(read + 1, read));
    expect(stored()).toEqual(before);
    expect((await crm(['ticket', 'show', '1', '--json'])).stdout).toBe(shownBefore);
  });

  it.each(VERBS)('%s goes through with the current version, and raises it', async (_verb, setup, argv) => {
    for (const a of setup) expect((await crm(a)).exitCode).toBe(0);
    const current = await version();
    const before = stored();
    const r = await crm([...argv, '--if-version', String(current), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json().version).toBe(current + 1);
    const after = stored();
    expect(after.row).toMatchObject({ version: current + 1 });
    expect(after.audit.length).toBe(before.audit.length + 1);
  });

  it('a stale version wins over other objections: the conflict is reported, not "already solved"', async () => {
    await crm(['ticket', 'solve', '1']);
    const r = await crm(['ticket', 'solve', '1', '--if-version', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(staleMessage(2, 1));
  });

  it('with --json the conflict is a JSON error on stderr, exit 1', async () => {
    await crm(['ticket', 'note', '1', 'x']);
    const r = await crm(['ticket', 'assign', '1', 'anna', '--if-version', '1', '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'stale',
        message: 'Ticket #1 was changed by someone else: it is at version 2, not 1.',
        hint: 'Look again: crm ticket show 1 — then repeat with --if-version 2 if the change still applies.',
      },
    });
  });

  it.each([['0'], ['x'], ['-1'], ['1.5']])('--if-version %s is a usage error (exit 2)', async (v) => {
    const r = await crm(['ticket', 'solve', '1', '--if-version', v]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--if-version must be a positive whole number');
    expect(await version()).toBe(1);
  });

  it('every verb that changes a ticket documents --if-version in its --help', async () => {
    for (const [verb] of VERBS) {
      const help = await crm(['ticket', verb, '--help']);
      expect(help.stdout, verb).toContain('--if-version <n>');
      expect(help.stdout, verb).toMatch(/Examples:[\s\S]*--if-version/);
    }
  });
});

describe('two writers racing with the same version', () => {
  it('exactly one wins; the other is refused inside its transaction and told the current version', async () => {
    const v = await version();
    // Hold the write lock so that both writers read the ticket (at version v) and then queue
    // for the lock: whoever gets it second must see the first one's change under the lock.
    const holder = new BetterSqlite3(t.db);
    holder.exec('BEGIN IMMEDIATE');
    let settled = 0;
    const race = [
      crm(['ticket', 'note', '1', 'From writer A', '--if-version', String(v), '--json'], { env: { CRM_BUSY_TIMEOUT: '2000' } }),
      crm(['ticket', 'assign', '1', 'anna', '--if-version', String(v), '--json'], { env: { CRM_BUSY_TIMEOUT: '2000' } }),
    ].map((p) => p.finally(() => settled++));
    try {
      // Reads are not blocked by the lock: the writers got as far as their transaction.
      expect((await crm(['ticket', 'show', '1', '--json'])).json().version).toBe(v);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(0);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    const [a, b] = await Promise.all(race);
    expect([a!.exitCode, b!.exitCode].sort()).toEqual([0, 1]);
    const [winner, loser] = a!.exitCode === 0 ? [a!, b!] : [b!, a!];
    expect(winner.json().version).toBe(v + 1);
    expect(JSON.parse(loser.stderr).error).toMatchObject({ code: 'stale', message: `Ticket #1 was changed by someone else: it is at version ${v + 1}, not ${v}.` });

    const after = (await crm(['ticket', 'show', '1', '--json'])).json();
    expect(after.version).toBe(v + 1);
    const kinds = after.events.map((e: { kind: string }) => e.kind);
    // Only the winner's event is there: either the note or the assignment, never both.
    expect(kinds.filter((k: string) => k === 'note' || k === 'assign')).toHaveLength(1);
    expect(after.assignee === 'anna').toBe(kinds.includes('assign'));
  });
});
