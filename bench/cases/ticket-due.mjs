// `crm ticket list --due-within` / `--breaching` over BENCH_DUE_TICKETS open tickets (default
// 100,000) on SQLite. Most tickets wait on the customer (replied to, pending: no clock running);
// every 100th is open and unanswered (its first-reply clock runs: the recent ones are due soon,
// the older ones breaching). The filters read the stored deadlines (ticket_sla_due, migration
// 0024) by index and let the SLA engine re-check the candidates; the first list after the tickets
// were written by SQL stores the deadlines of every open ticket (once), as `automate run` does.
// Prints the time of each (best of 3, process included) and a digest of the output, so a run
// before and after a change shows the same tickets.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// BENCH_CRM_BIN: another build's bin/crm (a copy of the tree before a change) to compare.
const bin = process.env.BENCH_CRM_BIN ?? join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-due-'));
const TICKETS = Number(process.env.BENCH_DUE_TICKETS ?? 100_000);

function run(cmd, args, env, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, TZ: 'UTC', ...env }, input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout };
}

try {
  const db = join(dir, 'due.db');
  const env = { CRM_DB: db, CRM_NOW: '2026-06-01T10:00:00.000Z' };
  run(process.execPath, [bin, 'db', 'init'], env);
  run(process.execPath, [bin, 'user', 'add', 'ana', '--name', 'Ana', '--role', 'agent'], env);
  const ts = (x) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${x}, 'unixepoch')`;
  const now = 1780308000; // 2026-06-01T10:00:00Z
  const waiting = (i) => `${i} % 100 <> 0`;
  const sql = `
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
INSERT INTO tickets (id, subject, priority, status, assignee_id, created_at, updated_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${TICKETS})
  SELECT i, 'Ticket ' || i, 'normal', CASE WHEN ${waiting('i')} THEN 'pending' ELSE 'open' END, (SELECT id FROM users WHERE handle = 'ana'),
    ${ts(`${now} - i * 60`)}, ${ts(`${now} - i * 60`)} FROM n;
INSERT INTO ticket_events (ticket_id, kind, from_value, to_value, actor, at)
  SELECT id, 'reply', NULL, NULL, 'ana', ${ts(`${now} - id * 60 + 30`)} FROM tickets WHERE ${waiting('id')};
INSERT INTO ticket_events (ticket_id, kind, from_value, to_value, actor, at)
  SELECT id, 'status', 'new', 'pending', 'ana', ${ts(`${now} - id * 60 + 40`)} FROM tickets WHERE ${waiting('id')};
`;
  run('sqlite3', [db], {}, sql);
  const digest = (s) => createHash('sha256').update(s).digest('hex').slice(0, 12);
  const first = run(process.execPath, [bin, 'ticket', 'list', '--breaching', '--json'], env);
  console.log(`first ticket list --breaching after the SQL load (stores the deadlines of ${TICKETS.toLocaleString('en')} open tickets once, where the list reads them): ${first.seconds.toFixed(2)} s`);
  for (const args of [['--due-within', '1h'], ['--breaching'], ['--due-within', '1h', '--limit', '20']]) {
    const times = [0, 1, 2].map(() => run(process.execPath, [bin, 'ticket', 'list', ...args, '--json'], env));
    const best = Math.min(...times.map((t) => t.seconds));
    const rows = JSON.parse(times[0].stdout);
    const count = Array.isArray(rows) ? rows.length : (rows.rows ?? rows.tickets ?? []).length;
    console.log(`crm ticket list ${args.join(' ')} --json, ${TICKETS.toLocaleString('en')} open tickets: ${best.toFixed(2)} s (best of 3, process included); ${count} tickets, output ${digest(times[0].stdout)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
