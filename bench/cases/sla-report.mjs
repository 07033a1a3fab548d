// SLA report speed: a generated database of BENCH_TICKETS tickets (default 1,000,000) with their
// event logs (created, replies, status changes, pending spells, requester messages; about
// 8 events per ticket), on a business calendar with a lunch break and holidays. Times
// `crm report sla` (every ticket's SLA clock recomputed from its events) against a plain SQL
// aggregate over the same rows (tickets joined to their events, grouped by priority) run by
// the sqlite3 shell, in one run, and prints the ratio. BENCH_TICKETS=100000 for a quick run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-sla-'));
const db = join(dir, 'sla.db');
const N = Number(process.env.BENCH_TICKETS ?? 1_000_000);
// No CRM_USER: the OS login becomes the admin of the fresh database (only admins may act as others).
const env = { ...process.env, CRM_NOW: '2026-01-15T00:00:00.000Z', TZ: 'UTC', CRM_DB: db };
delete env.CRM_USER;

function run(cmd, args, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout };
}

const crm = (...args) => run(process.execPath, [bin, ...args]);
crm('db', 'init');
crm('calendar', 'add', 'office', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 09:00-12:30,13:30-18:00');
for (const day of ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-01', '2025-12-25', '2025-12-26']) crm('calendar', 'holiday', 'add', 'office', day);
crm('sla', 'policy', 'add', 'standard', '--calendar', 'office', '--first-reply', 'low=8h,normal=4h,high=1h,urgent=30m', '--next-reply', 'all=4h', '--resolution', 'low=5d,normal=3d,high=1d,urgent=4h');
const policyId = JSON.parse(crm('sla', 'policy', 'show', 'standard', '--json').stdout).id;

// Tickets spread over 2025; per ticket i, deterministic "random" delays in seconds.
const ts = (x) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${x}, 'unixepoch')`;
const generate = `
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
DROP INDEX IF EXISTS ticket_events_ticket; DROP INDEX IF EXISTS ticket_events_sla; DROP INDEX IF EXISTS ticket_events_at; DROP INDEX IF EXISTS tickets_created;
CREATE TEMP TABLE g AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
  SELECT i,
    1735689600 + i * (31536000 / ${N}) AS c,
    1735689600 + i * (31536000 / ${N}) + 300 + (i * 7919) % 36000 AS r1,
    (i % 3 = 0) AS pend,
    (i * 104729) % 172800 + 3600 AS wait,
    (i * 31) % 18000 + 600 AS r2gap,
    (i * 13) % 259200 + 1800 AS solvegap
  FROM n;
CREATE TEMP TABLE h AS SELECT i, c, r1, pend,
    CASE WHEN pend THEN r1 + 600 + wait ELSE NULL END AS msg,
    CASE WHEN pend THEN r1 + 600 + wait + r2gap ELSE NULL END AS r2,
    CASE WHEN pend THEN r1 + 600 + wait + r2gap + solvegap ELSE r1 + solvegap END AS solved
  FROM g;
INSERT INTO tickets (id, subject, priority, status, sla_policy_id, category, channel, created_at, updated_at, solved_at, closed_at)
  SELECT i, 'Ticket ' || i, CASE i % 10 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'high' WHEN 3 THEN 'low' ELSE 'normal' END,
    'closed', ${policyId}, CASE i % 4 WHEN 0 THEN 'billing' WHEN 1 THEN 'shipping' ELSE 'technical' END, 'email',
    ${ts('c')}, ${ts('solved + 259200')}, ${ts('solved')}, ${ts('solved + 259200')} FROM h;
INSERT INTO ticket_events (ticket_id, kind, body, from_value, to_value, actor, at)
  SELECT i, 'created', NULL, NULL, 'new', 'bench', ${ts('c')} FROM h
  UNION ALL SELECT i, 'reply', 'On it', NULL, NULL, 'agent', ${ts('r1')} FROM h
  UNION ALL SELECT i, 'status', NULL, 'new', 'open', 'agent', ${ts('r1')} FROM h
  UNION ALL SELECT i, 'status', NULL, 'open', 'pending', 'agent', ${ts('r1 + 600')} FROM h WHERE pend
  UNION ALL SELECT i, 'message', 'Details', NULL, NULL, 'requester', ${ts('msg')} FROM h WHERE pend
  UNION ALL SELECT i, 'status', NULL, 'pending', 'open', 'requester', ${ts('msg')} FROM h WHERE pend
  UNION ALL SELECT i, 'reply', 'Fixed', NULL, NULL, 'agent', ${ts('r2')} FROM h WHERE pend
  UNION ALL SELECT i, 'status', NULL, 'open', 'solved', 'agent', ${ts('solved')} FROM h
  UNION ALL SELECT i, 'status', NULL, 'solved', 'closed', 'agent', ${ts('solved + 259200')} FROM h;
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, at);
CREATE INDEX ticket_events_sla ON ticket_events(ticket_id, at, id, kind, from_value, to_value);
CREATE INDEX ticket_events_at ON ticket_events(at);
CREATE INDEX tickets_created ON tickets(created_at);
ANALYZE;
`;
const gen = run('/usr/bin/sqlite3', [db], generate);
const counts = run('/usr/bin/sqlite3', [db, 'SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ticket_events);']).stdout.trim().split('|').map(Number);
console.log(`generated ${counts[0].toLocaleString('en')} tickets, ${counts[1].toLocaleString('en')} events in ${gen.seconds.toFixed(1)} s`);

const sqlAggregate = `SELECT t.priority, count(DISTINCT t.id), sum(e.kind = 'reply'), avg(CASE WHEN e.kind = 'reply' THEN (julianday(e.at) - julianday(t.created_at)) * 86400 END)
  FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id
  WHERE t.created_at >= '2025-01-01T00:00:00.000Z' AND t.created_at < '2026-01-01T00:00:00.000Z' AND e.at <= '2026-01-15T00:00:00.000Z'
  GROUP BY t.priority;`;
// Warm the page cache for both, then time one run each.
run('/usr/bin/sqlite3', [db, sqlAggregate]);
const sql = run('/usr/bin/sqlite3', [db, sqlAggregate]);
const args = ['report', 'sla', '--from', '2025-01-01', '--to', '2025-12-31', '--as-of', '2026-01-15T00:00:00Z', '--json'];
const report = crm(...args);
const model = JSON.parse(report.stdout);
console.log(`crm report sla: ${report.seconds.toFixed(2)} s over ${model.tickets.toLocaleString('en')} tickets (first reply ${model.total.firstReply.compliance}% met, resolution ${model.total.resolution.compliance}% met)`);
console.log(`sqlite3 shell, plain SQL aggregate over the same rows: ${sql.seconds.toFixed(2)} s`);
console.log(`ratio: ${(report.seconds / sql.seconds).toFixed(1)}x`);
const byPriority = crm(...args, '--by', 'priority');
console.log(`crm report sla --by priority: ${byPriority.seconds.toFixed(2)} s`);
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
