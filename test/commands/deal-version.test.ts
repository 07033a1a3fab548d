/**
 * Optimistic concurrency for the deal verbs: `--if-version N` refuses, changing nothing, when the
 * deal is no longer at version N — checked again inside the write transaction, so two writers
 * holding the same version cannot both succeed, and the one refused is told the current version.
 */
import BetterSqlite3 from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { useTempDb } from '../helpers/run-cli.js';
import { querySql } from '../helpers/engines.js';

const t = useTempDb();
const { crm, ok } = t;

beforeEach(async () => {
  await ok(['user', 'add', 'sara', '--name', 'Sara Rahimi']);
  await ok(['contact', 'add', 'Bob Lee', '--email', 'bob@example.com']);
  await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']);
  await ok(['deal', 'add', 'Acme renewal', '--company', 'Acme Ltd', '--contact', 'bob@example.com', '--amount', '12500 EUR']);
});

/** Everything a deal verb may write, read straight from the database (either engine). */
async function stored(): Promise<Record<string, unknown>> {
  return {
    deal: (await querySql(t.db, 'SELECT * FROM deals WHERE id = 1'))[0],
    history: await querySql(t.db, 'SELECT * FROM deal_stage_history WHERE deal_id = 1 ORDER BY id'),
    audit: await querySql(t.db, 'SELECT * FROM audit_log ORDER BY id'),
    people: await querySql(t.db, 'SELECT * FROM deal_contacts WHERE deal_id = 1 ORDER BY contact_id'),
    milestones: await querySql(t.db, 'SELECT * FROM deal_milestones WHERE deal_id = 1 ORDER BY id'),
    contacts: await querySql(t.db, 'SELECT id, lifecycle, version FROM contacts ORDER BY id'),
  };
}

/**
 * Another connection holding what a deal write needs until release(): SQLite's write lock
 * (BEGIN IMMEDIATE), or on PostgreSQL the lock on deal #1's row (SELECT … FOR UPDATE).
 */
async function holdWriteLock(): Promise<{ release(): Promise<void> }> {
  if (/^postgres/.test(t.db)) {
    const client = new pg.Client({ connectionString: t.db });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM deals WHERE id = 1 FOR UPDATE');
    return {
      release: async () => {
        await client.query('COMMIT');
        await client.end();
      },
    };
  }
  const holder = new BetterSqlite3(t.db);
  holder.exec('BEGIN IMMEDIATE');
  return {
    release: async () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

async function version(): Promise<number> {
  return (await ok(['deal', 'show', '1', '--json'])).json().version;
}

const staleMessage = (current: number, expected: number) =>
  `error: Deal #1 was changed by someone else: it is at version ${current}, not ${expected}.\n` +
  `hint: Look again: crm deal show 1 — then repeat with --if-version ${current} if the change still applies.\n`;

const EDIT_BY_SARA = [['deal', 'edit', '1', '--probability', '40', '--as', 'sara']];
const MILESTONE = ['deal', 'milestone', 'add', '1', '2026-12-01', 'Pilot done'];

interface Verb {
  name: string;
  /** What makes the verb legal first. */
  setup: string[][];
  argv: string[];
  /** A colleague's change after we read the deal (an edit, unless the deal is archived). */
  meanwhile?: string[][];
  /** The verb prints the deal (with --json): the others print the people or the milestone. */
  printsDeal: boolean;
  /** Stage-history rows the verb appends. */
  moves: number;
}

const VERBS: Verb[] = [
  { name: 'edit', setup: [], argv: ['deal', 'edit', '1', '--amount', '15000 EUR'], printsDeal: true, moves: 0 },
  { name: 'move', setup: [], argv: ['deal', 'move', '1', 'quote'], printsDeal: true, moves: 1 },
  { name: 'win', setup: [], argv: ['deal', 'win', '1'], printsDeal: true, moves: 1 },
  { name: 'lose', setup: [], argv: ['deal', 'lose', '1', '--reason', 'price', '--note', 'Cheaper vendor'], printsDeal: true, moves: 1 },
  { name: 'reopen', setup: [['deal', 'win', '1']], argv: ['deal', 'reopen', '1'], printsDeal: true, moves: 1 },
  { name: 'archive', setup: [], argv: ['deal', 'archive', '1'], printsDeal: true, moves: 0 },
  {
    name: 'restore',
    setup: [['deal', 'archive', '1']],
    argv: ['deal', 'restore', '1'],
    // An archived deal cannot be edited: the colleague restored it and archived it again.
    meanwhile: [['deal', 'restore', '1', '--as', 'sara'], ['deal', 'archive', '1', '--as', 'sara']],
    printsDeal: true,
    moves: 0,
  },
  { name: 'contact add', setup: [], argv: ['deal', 'contact', 'add', '1', 'ana@example.com', '--role', 'champion'], printsDeal: false, moves: 0 },
  { name: 'contact remove', setup: [['deal', 'contact', 'add', '1', 'ana@example.com']], argv: ['deal', 'contact', 'remove', '1', 'ana@example.com'], printsDeal: false, moves: 0 },
  { name: 'milestone add', setup: [], argv: MILESTONE, printsDeal: false, moves: 0 },
  { name: 'milestone done', setup: [MILESTONE], argv: ['deal', 'milestone', 'done', '1'], printsDeal: false, moves: 0 },
  { name: 'milestone undo', setup: [MILESTONE, ['deal', 'milestone', 'done', '1']], argv: ['deal', 'milestone', 'undo', '1'], printsDeal: false, moves: 0 },
];

const table = VERBS.map((v) => [v.name, v] as const);

describe('deal --if-version', () => {
  it('the version is shown by deal show, on a terminal, piped and in JSON; every change raises it by one', async () => {
    expect(await version()).toBe(1);
    expect((await ok(['deal', 'show', '1'], { tty: true })).stdout).toMatch(/Version: +1\n/);
    expect((await ok(['deal', 'show', '1'])).stdout).toContain('\nversion\t1\n');
    expect((await ok(['deal', 'move', '1', 'quote', '--json'])).json().version).toBe(2);
    expect((await ok(['deal', 'list', '--json'])).json()[0].version).toBe(2);
    await ok(['deal', 'contact', 'add', '1', 'ana@example.com']);
    expect((await ok(['deal', 'show', '1'], { tty: true })).stdout).toMatch(/Version: +3\n/);
  });

  it.each(table)('%s refuses a stale version and changes nothing (deal, stage history, audit log)', async (_name, verb) => {
    for (const a of verb.setup) await ok(a);
    const read = await version();
    for (const a of verb.meanwhile ?? EDIT_BY_SARA) await ok(a);
    const now = await version();
    expect(now).toBeGreaterThan(read);
    const before = await stored();
    const shownBefore = (await ok(['deal', 'show', '1', '--json'])).stdout;

    const r = await crm([...verb.argv, '--if-version', String(read)]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(staleMessage(now, read));
    expect(await stored()).toEqual(before);
    expect((await ok(['deal', 'show', '1', '--json'])).stdout).toBe(shownBefore);
  });

  it.each(table)('%s goes through with the current version, and raises it', async (_name, verb) => {
    for (const a of verb.setup) await ok(a);
    const current = await version();
    const before = (await stored()) as { history: unknown[]; audit: unknown[] };
    const r = await crm([...verb.argv, '--if-version', String(current), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    if (verb.printsDeal) expect(r.json().version).toBe(current + 1);
    expect(await version()).toBe(current + 1);
    const after = (await stored()) as { deal: unknown; history: unknown[]; audit: { entity: string }[] };
    expect(after.deal).toMatchObject({ version: current + 1 });
    expect(after.history.length).toBe(before.history.length + verb.moves);
    expect(after.audit.filter((a) => a.entity === 'deal').length).toBe(before.audit.filter((a) => (a as { entity: string }).entity === 'deal').length + 1);
  });

  it('without --if-version the verbs work as before', async () => {
    await ok(['deal', 'edit', '1', '--probability', '40', '--as', 'sara']);
    expect((await ok(['deal', 'move', '1', 'quote', '--json'])).json()).toMatchObject({ stage: { name: 'Quote' }, version: 3 });
  });

  it('a stale version wins over other objections: the conflict is reported, not "already won" or "archived"', async () => {
    await ok(['deal', 'win', '1']);
    const won = await crm(['deal', 'win', '1', '--if-version', '1']);
    expect(won.exitCode).toBe(1);
    expect(won.stderr).toBe(staleMessage(2, 1));
    await ok(['deal', 'archive', '1']);
    for (const argv of [['deal', 'archive', '1'], ['deal', 'move', '1', 'quote'], ['deal', 'edit', '1', '--title', 'x'], ['deal', 'lose', '1', '--reason', 'price']]) {
      const r = await crm([...argv, '--if-version', '2']);
      expect(r.stderr, argv.join(' ')).toBe(staleMessage(3, 2));
    }
  });

  it('lose on a terminal refuses a stale version before asking for the reason', async () => {
    await ok(['deal', 'move', '1', 'quote']);
    // answers: [] makes it interactive; a prompt would fail the run with "unexpected prompt".
    const r = await crm(['deal', 'lose', '1', '--if-version', '1'], { answers: [] });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(staleMessage(2, 1));
    const asked = await crm(['deal', 'lose', '1', '--if-version', '2'], { answers: ['price', ''] });
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect((await ok(['deal', 'show', '1', '--json'])).json()).toMatchObject({ status: 'lost', lostReason: 'price', version: 3 });
  });

  it('with --json the conflict is a JSON error on stderr, exit 1', async () => {
    await ok(['deal', 'move', '1', 'quote']);
    const r = await crm(['deal', 'win', '1', '--if-version', '1', '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'stale',
        message: 'Deal #1 was changed by someone else: it is at version 2, not 1.',
        hint: 'Look again: crm deal show 1 — then repeat with --if-version 2 if the change still applies.',
      },
    });
  });

  it.each([['0'], ['x'], ['-1'], ['1.5']])('--if-version %s is a usage error (exit 2)', async (v) => {
    const r = await crm(['deal', 'move', '1', 'quote', '--if-version', v]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--if-version must be a positive whole number');
    expect(await version()).toBe(1);
  });

  it('every verb that changes a deal documents --if-version in its --help, with an example', async () => {
    for (const verb of VERBS) {
      const command = verb.argv.slice(0, verb.argv.findIndex((a) => /^\d/.test(a))); // up to the deal or milestone id
      const help = await ok([...command, '--help']);
      expect(help.stdout, verb.name).toContain('--if-version <n>');
      expect(help.stdout, verb.name).toMatch(/Examples:[\s\S]*--if-version/);
    }
  });
});

describe('two writers racing with the same version', () => {
  /** Both writers read the deal at version v, then queue for the write lock another connection holds. */
  async function race(a: string[], b: string[]) {
    const v = await version();
    const holder = await holdWriteLock();
    let settled = 0;
    const env = { CRM_BUSY_TIMEOUT: '2000' };
    const runs = [crm([...a, '--if-version', String(v), '--json'], { env }), crm([...b, '--if-version', String(v), '--json'], { env })].map((p) => p.finally(() => settled++));
    try {
      // Reads are not blocked by the lock, and neither writer has finished.
      expect(await version()).toBe(v);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(0);
    } finally {
      await holder.release();
    }
    const [ra, rb] = await Promise.all(runs);
    expect([ra!.exitCode, rb!.exitCode].sort()).toEqual([0, 1]);
    const [winner, loser] = ra!.exitCode === 0 ? [ra!, rb!] : [rb!, ra!];
    expect(JSON.parse(loser.stderr).error).toEqual({
      code: 'stale',
      message: `Deal #1 was changed by someone else: it is at version ${v + 1}, not ${v}.`,
      hint: `Look again: crm deal show 1 — then repeat with --if-version ${v + 1} if the change still applies.`,
    });
    expect(await version()).toBe(v + 1);
    return { v, winner, aWon: ra!.exitCode === 0 };
  }

  it('move against win: exactly one wins; the other is refused inside its transaction and told the current version', async () => {
    const before = (await stored()) as { history: unknown[] };
    const { v, winner, aWon } = await race(['deal', 'move', '1', 'quote'], ['deal', 'win', '1']);
    expect(winner.json().version).toBe(v + 1);
    const deal = (await ok(['deal', 'show', '1', '--json'])).json();
    expect(deal.status).toBe(aWon ? 'open' : 'won');
    expect(deal.stage.name).toBe(aWon ? 'Quote' : 'Won');
    // One stage-history row: the winner's move, never both.
    const history = ((await stored()) as { history: { to_stage_id: number }[] }).history;
    expect(history.length).toBe(before.history.length + 1);
    const audit = (await ok(['history', 'deal', '1', '--json'])).json().map((h: { action: string }) => h.action);
    expect(audit).toEqual(['create', aWon ? 'move' : 'win']);
  });

  it('archive against a milestone: exactly one wins', async () => {
    const { aWon } = await race(['deal', 'archive', '1'], MILESTONE);
    const deal = (await ok(['deal', 'show', '1', '--json'])).json();
    expect(deal.archivedAt !== null).toBe(aWon);
    expect(deal.milestones.length).toBe(aWon ? 0 : 1);
  });
});
