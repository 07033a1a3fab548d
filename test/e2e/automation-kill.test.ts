/**
 * #18 reliability: `crm automate run` killed with SIGKILL mid-run fires nothing twice and loses
 * nothing (each occurrence's firing row, actions and event claim are one transaction), and two
 * runs at once — two cron hosts on one PostgreSQL database — fire each occurrence once. The
 * outbox is filled directly (300 ticket.created events of one ticket: 300 occurrences); the test
 * counts kills that landed mid-run, it does not bet on timing.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, execSql, querySql, useEngineDb } from '../helpers/engines.js';
import { runCrm } from '../helpers/processes.js';

const N = 300;
const env = { CRM_NOW: '2026-11-20T10:00:00Z', NO_COLOR: '1', TZ: 'UTC' };

async function counts(url: string): Promise<{ firings: number; processed: number; notes: number; tasks: number; distinct: number }> {
  const [r] = await querySql(
    url,
    `SELECT (SELECT count(*) FROM rule_firings) AS firings,
            (SELECT count(*) FROM events WHERE processed_at IS NOT NULL) AS processed,
            (SELECT count(*) FROM notifications) AS notes,
            (SELECT count(*) FROM activities WHERE kind = 'task') AS tasks,
            (SELECT count(DISTINCT occurrence) FROM rule_firings) AS distinct_occ`,
  );
  return { firings: Number(r!.firings), processed: Number(r!.processed), notes: Number(r!.notes), tasks: Number(r!.tasks), distinct: Number(r!.distinct_occ) };
}

async function fillOutbox(url: string, first: number): Promise<void> {
  const values = Array.from({ length: N }, (_, i) => `('ticket.created', 'ticket', 1, '{}', 'test', '2026-11-20T09:00:00.000Z', 0, ${first + i})`).join(',\n');
  await execSql(url, `INSERT INTO events (kind, entity, entity_id, data, actor, at, depth, id) VALUES ${values};`);
}

describe.each(ENGINES)('automate run on %s', (engine) => {
  const db = useEngineDb(engine, 'autokill');
  const crm = (args: string[]) => crmOn(db.url, args, env);

  it('killed with SIGKILL mid-run: every occurrence fires once, with all its actions or none', async () => {
    for (const args of [
      ['user', 'add', 'ana', '--name', 'Ana', '--role', 'agent'],
      ['ticket', 'open', 'Printer'],
      ['rule', 'add', 'each', '--on', 'ticket.created', '--notify', 'user:ana', '--task', 'Look at {{ticket.subject}}', '--task-for', 'ana', '--enable'],
    ]) expect(crm(args).code).toBe(0);
    await execSql(db.url, 'DELETE FROM events;');
    await fillOutbox(db.url, 1000);
    let landed = 0;
    for (let round = 0; round < 12 && landed < 3; round++) {
      const before = (await counts(db.url)).firings;
      if (before >= N) break;
      const p = runCrm(['automate', 'run'], { ...env, CRM_DB: db.url });
      for (;;) {
        if (p.child.exitCode !== null || (await counts(db.url)).firings >= before + 5) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      p.child.kill('SIGKILL');
      const done = await p.done;
      if (done.signal === 'SIGKILL') landed++;
      // Whatever was committed is whole: one notification, one task and one claimed event per firing.
      const c = await counts(db.url);
      expect(c.notes).toBe(c.firings);
      expect(c.tasks).toBe(c.firings);
      expect(c.processed).toBe(c.firings);
      expect(c.distinct).toBe(c.firings);
    }
    expect(landed).toBeGreaterThan(0);
    const last = crm(['automate', 'run', '--json']);
    expect(last.code, last.stderr).toBe(0);
    expect(await counts(db.url)).toEqual({ firings: N, processed: N, notes: N, tasks: N, distinct: N });
    expect(JSON.parse(crm(['automate', 'run', '--json']).stdout).fired).toEqual([]);
  }, 240_000);

  it('two runs at once fire each occurrence once', async () => {
    await execSql(db.url, 'DELETE FROM rule_firings; DELETE FROM notifications; DELETE FROM activities; DELETE FROM events;');
    await fillOutbox(db.url, 5000);
    const runs = await Promise.all([0, 1].map(() => runCrm(['automate', 'run', '--json'], { ...env, CRM_DB: db.url }).done));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const fired = runs.map((r) => (JSON.parse(r.stdout) as { fired: unknown[] }).fired.length);
    expect(fired[0]! + fired[1]!).toBe(N);
    expect(await counts(db.url)).toEqual({ firings: N, processed: N, notes: N, tasks: N, distinct: N });
  }, 240_000);
});
