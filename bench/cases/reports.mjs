// Reports at scale: 1,000,000 deals (with 1.6M stage-history rows), 1,000,000 activities and
// 100,000 contacts. Each report (crm report NAME --period 2026 --json, a whole process) is timed
// against the equivalent hand-written SQL aggregate run by the sqlite3 shell (also a whole
// process) on the same file in the same run; BENCH_RUNS runs of each, interleaved, minimum
// (and median) of each side. Target: ≤ 1.5×.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-reports-'));
const db = join(dir, 'bench.db');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DEALS = Number(process.env.BENCH_DEALS ?? 1_000_000);
const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 1_000_000);
const CONTACTS = 100_000;
const OWNERS = 50;
const env = { ...process.env, CRM_DB: db, CRM_NOW: '2026-11-20T17:55:00Z', TZ: 'UTC' };
delete env.CRM_USER;
const SQLITE3 = '/usr/bin/sqlite3';

const migrated = spawnSync(process.execPath, [bin, 'db', 'init'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
if (migrated.status !== 0) throw new Error(String(migrated.stderr));

let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (n) => Math.floor(rand() * n);
const DAY = 86400000;
const start = Date.parse('2025-01-01T00:00:00Z');
const now = Date.parse('2026-11-20T17:55:00Z');
const iso = (ms) => new Date(ms).toISOString();

const t0 = Date.now();
const sqlite = new Database(db);
sqlite.pragma('journal_mode = WAL');
/** Multi-row INSERTs of 200 rows (DESIGN §8: the fast way to bulk load). */
function bulk(table, columns, count, row) {
  const per = 200;
  const one = `(${columns.map(() => '?').join(',')})`;
  const full = sqlite.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array(per).fill(one).join(',')}`);
  let batch = [];
  let rows = 0;
  for (let i = 0; i < count; i++) {
    const r = row(i);
    if (!r) continue;
    for (const x of Array.isArray(r[0]) ? r : [r]) {
      batch.push(...x);
      if (++rows === per) {
        full.run(batch);
        batch = [];
        rows = 0;
      }
    }
  }
  if (rows) sqlite.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array(rows).fill(one).join(',')}`).run(batch);
}
const SOURCES = ['web', 'referral', 'event', 'ads', 'partner', null];
const REASONS = ['price', 'competitor', 'no budget', 'no decision', 'timing', 'product fit', 'other'];
const KINDS = ['call', 'call', 'email', 'email', 'meeting', 'note', 'task', 'linkedin'];
sqlite.transaction(() => {
  // `crm db init` made the OS login the first admin (id 1): it moves after the reps, so they take
  // ids 1..50 as the quotas and deals below expect; the timed commands run as that admin.
  const login = sqlite.prepare('SELECT handle, name FROM users WHERE id = 1').get();
  sqlite.prepare('DELETE FROM users').run();
  bulk('users', ['handle', 'name', 'role', 'team', 'active', 'created_at', 'updated_at'], OWNERS, (i) => [`rep${i}`, `Rep ${i}`, 'rep', `Team ${i % 5}`, 1, iso(start), iso(start)]);
  sqlite.prepare("INSERT INTO users (handle, name, role, active, created_at, updated_at) VALUES (?, ?, 'admin', 1, ?, ?)").run(login.handle, login.name, iso(start), iso(start));
  sqlite.prepare("INSERT INTO users (handle, name, role, active, created_at, updated_at) VALUES ('bench', 'Bench', 'admin', 1, ?, ?)").run(iso(start), iso(start));
  for (let i = 1; i <= OWNERS; i++) for (const q of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) sqlite.prepare('INSERT INTO quotas (owner_id, period, amount_minor, currency) VALUES (?, ?, ?, ?)').run(i, q, 50_000_000 + i * 100_000, 'USD');
  sqlite.prepare("INSERT INTO campaigns (name, currency, cost_minor, goal, goal_amount, created_at, updated_at) VALUES ('ads', 'USD', 100000000, 'leads', 20000, ?, ?)").run(iso(start), iso(start));
  bulk('contacts', ['first_name', 'last_name', 'email', 'email_norm', 'lifecycle', 'source', 'owner_id', 'last_touched_at', 'created_at', 'updated_at'], CONTACTS, (i) => {
    const created = iso(start + pick((now - start) / DAY) * DAY);
    const email = `c${i}@example.com`;
    return [`First${i}`, `Last${i % 5000}`, email, email, rand() < 0.2 ? 'customer' : 'lead', SOURCES[pick(SOURCES.length)], 1 + pick(OWNERS), created, created, created];
  });
  // deals: 30% won, 30% lost, 40% open in stages 1-4; history: creation row (+ close row)
  const closes = [];
  bulk('deals', ['title', 'pipeline_id', 'stage_id', 'amount_minor', 'currency', 'probability', 'expected_close', 'owner_id', 'source', 'campaign_id', 'lost_reason', 'won_at', 'lost_at', 'stage_entered_at', 'created_at', 'updated_at'], DEALS, (i) => {
    const created = start + pick((now - start) / DAY - 1) * DAY + pick(DAY);
    const r = rand();
    const closed = Math.min(now - 1000, created + (1 + pick(120)) * DAY);
    const stage = r < 0.3 ? 5 : r < 0.6 ? 6 : 1 + pick(4);
    const closeAt = stage >= 5 ? iso(closed) : null;
    closes.push(stage >= 5 ? stage : 0, stage >= 5 ? closed : created);
    const src = SOURCES[pick(SOURCES.length)];
    return [`Deal ${i}`, 1, stage, 1000 + pick(10_000_000), i % 10 === 0 ? 'EUR' : 'USD', rand() < 0.1 ? pick(100) : null, iso(now + (pick(200) - 60) * DAY).slice(0, 10), 1 + pick(OWNERS), src, src === 'ads' ? 1 : null, stage === 6 ? REASONS[pick(REASONS.length)] : null, stage === 5 ? closeAt : null, stage === 6 ? closeAt : null, iso(created), iso(created), iso(created)];
  });
  bulk('deal_stage_history', ['deal_id', 'from_stage_id', 'to_stage_id', 'at', 'actor'], DEALS, (i) => {
    const closedStage = closes[i * 2];
    const first = [i + 1, null, closedStage ? 2 : 1, sqlite ? iso(Date.parse(iso(closes[i * 2 + 1]))) : '', 'bench'];
    return closedStage ? [[i + 1, null, 2, iso(closes[i * 2 + 1] - 30 * DAY), 'bench'], [i + 1, 2, closedStage, iso(closes[i * 2 + 1]), 'bench']] : first;
  });
  bulk('activities', ['kind', 'subject', 'occurred_at', 'due_at', 'done_at', 'owner_id', 'deal_id', 'created_by', 'created_at', 'updated_at'], ACTIVITIES, () => {
    const at = start + pick(now - start);
    const kind = KINDS[pick(KINDS.length)];
    const task = kind === 'task';
    return [kind, 'Bench', task ? null : iso(at), task ? iso(at + 7 * DAY) : null, task && rand() < 0.7 ? iso(at + DAY) : null, 1 + pick(OWNERS), rand() < 0.3 ? 1 + pick(DEALS) : null, 'bench', iso(at), iso(at)];
  });
})();
sqlite.pragma('optimize');
sqlite.close();
console.log(`${DEALS.toLocaleString('en')} deals, ${ACTIVITIES.toLocaleString('en')} activities, ${CONTACTS.toLocaleString('en')} contacts generated in ${Date.now() - t0} ms`);

/** One timed process run, in ms. */
function once(args, input) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { env, input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * crm and the shell run alternately (crm, shell, crm, shell, …) so a slow spell of this shared
 * machine hits both sides; the minimum of each is the figure (noise only ever adds time), the
 * median is printed next to it.
 */
function timedPair(ours, theirs, input) {
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(once(ours));
    b.push(once(theirs, input));
  }
  const stats = (xs) => {
    xs.sort((x, y) => x - y);
    return { min: xs[0], median: xs[Math.floor(xs.length / 2)] };
  };
  return [stats(a), stats(b)];
}

// The window of --period 2026 and the equivalent SQL, written by hand for the sqlite3 shell.
const S = "'2026-01-01T00:00:00.000Z'";
const E = "'2026-11-20T17:55:00.001Z'";
const inWin = (c) => `(${c} >= ${S} AND ${c} < ${E})`;
const cases = [
  ['win-rate', ['--period', '2026'], `SELECT d.owner_id, u.handle, d.currency, SUM(${inWin('d.won_at')}), SUM(${inWin('d.lost_at')}), SUM(CASE WHEN ${inWin('d.won_at')} THEN d.amount_minor ELSE 0 END) FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE (${inWin('d.won_at')} OR ${inWin('d.lost_at')}) AND d.archived_at IS NULL GROUP BY 1, 2, 3;`],
  [
    'cycle',
    ['--period', '2026'],
    `WITH c AS (SELECT u.handle AS h, julianday(d.won_at) - julianday(d.created_at) AS days, ROW_NUMBER() OVER (PARTITION BY d.owner_id ORDER BY julianday(d.won_at) - julianday(d.created_at)) AS rn, COUNT(*) OVER (PARTITION BY d.owner_id) AS n FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE ${inWin('d.won_at')} AND d.archived_at IS NULL)
     SELECT h, COUNT(*), AVG(days), AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN days END) FROM c GROUP BY h;
     SELECT s.name, COUNT(*), AVG(julianday(n.at) - julianday(h.at)) FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id JOIN stages s ON s.id = h.to_stage_id JOIN deal_stage_history n ON n.deal_id = h.deal_id AND n.at > h.at WHERE ${inWin('d.won_at')} GROUP BY s.name;`,
  ],
  ['forecast', ['--period', '2026'], `SELECT CASE WHEN d.expected_close IS NULL THEN 'none' WHEN d.expected_close < '2026-01-01' THEN 'before' WHEN d.expected_close >= '2027-01-01' THEN 'after' ELSE substr(d.expected_close, 1, 7) END, d.owner_id, u.handle, d.currency, COUNT(*), SUM(d.amount_minor), SUM(d.amount_minor * COALESCE(d.probability, s.probability)) FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN users u ON u.id = d.owner_id WHERE s.kind = 'open' AND d.archived_at IS NULL GROUP BY 1, 2, 3, 4;
   SELECT d.owner_id, u.handle, d.currency, COUNT(*), SUM(d.amount_minor) FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE ${inWin('d.won_at')} AND d.archived_at IS NULL GROUP BY 1, 2, 3;
   SELECT * FROM quotas WHERE period IN ('2026', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4');`],
  ['quota', ['--period', '2026'], `SELECT d.owner_id, u.handle, d.currency, COUNT(*), SUM(d.amount_minor) FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE ${inWin('d.won_at')} AND d.archived_at IS NULL GROUP BY 1, 2, 3; SELECT * FROM quotas WHERE period IN ('2026', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4');`],
  ['lost-reasons', ['--period', '2026'], `SELECT lost_reason, currency, COUNT(*), SUM(amount_minor) FROM deals d WHERE ${inWin('d.lost_at')} AND d.archived_at IS NULL GROUP BY 1, 2;`],
  [
    'activity',
    ['--period', '2026'],
    `SELECT owner_id, kind, COUNT(*) FROM activities a WHERE ${inWin('a.occurred_at')} AND kind <> 'task' GROUP BY 1, 2;
     SELECT owner_id, COUNT(*) FROM activities a WHERE kind = 'task' AND ${inWin('a.created_at')} GROUP BY 1;
     SELECT owner_id, COUNT(*) FROM contacts c WHERE ${inWin('c.created_at')} GROUP BY 1;
     SELECT owner_id, SUM(${inWin('d.created_at')}), SUM(${inWin('d.won_at')}), SUM(${inWin('d.lost_at')}) FROM deals d WHERE ${inWin('d.created_at')} OR ${inWin('d.won_at')} OR ${inWin('d.lost_at')} GROUP BY 1;
     SELECT d.owner_id, COUNT(DISTINCT h.deal_id) FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id JOIN stages t ON t.id = h.to_stage_id JOIN stages f ON f.id = h.from_stage_id WHERE ${inWin('h.at')} AND t.kind = 'open' AND t.position > f.position GROUP BY 1;`,
  ],
  [
    'kpi',
    ['--period', '2026'],
    `SELECT d.currency, COUNT(*), SUM(d.amount_minor), SUM(d.amount_minor * COALESCE(d.probability, s.probability)) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.archived_at IS NULL GROUP BY 1;
     SELECT currency, SUM(${inWin('d.won_at')}), SUM(${inWin('d.lost_at')}), SUM(CASE WHEN ${inWin('d.won_at')} THEN amount_minor ELSE 0 END) FROM deals d WHERE ${inWin('d.won_at')} OR ${inWin('d.lost_at')} GROUP BY 1;
     SELECT currency, SUM(won_at >= '2025-01-01T00:00:00.000Z' AND won_at < '2026-01-01T00:00:00.000Z'), SUM(lost_at >= '2025-01-01T00:00:00.000Z' AND lost_at < '2026-01-01T00:00:00.000Z') FROM deals d WHERE (won_at >= '2025-01-01T00:00:00.000Z' AND won_at < '2026-01-01T00:00:00.000Z') OR (lost_at >= '2025-01-01T00:00:00.000Z' AND lost_at < '2026-01-01T00:00:00.000Z') GROUP BY 1;
     SELECT substr(won_at, 1, 7), currency, SUM(amount_minor) FROM deals WHERE won_at >= '2026-07-01' AND won_at < ${E} GROUP BY 1, 2;
     SELECT COUNT(*) FROM activities WHERE kind = 'task' AND due_at < ${E} AND done_at IS NULL;
     SELECT COUNT(*) FROM tickets WHERE status NOT IN ('solved', 'closed');`,
  ],
  ['sources', ['--period', '2026'], `SELECT lower(trim(source)), COUNT(*), SUM(lifecycle = 'customer') FROM contacts c WHERE ${inWin('c.created_at')} GROUP BY 1; SELECT lower(trim(source)), currency, COUNT(*), SUM(amount_minor) FROM deals d WHERE ${inWin('d.won_at')} GROUP BY 1, 2;`],
  [
    'data-quality',
    [],
    // What the report computes: a count and the first few ids per check, the contacts for the
    // duplicate and email checks, and one scan of the open deals for the three field checks.
    `SELECT COUNT(*) FROM contacts WHERE archived_at IS NULL AND email IS NULL AND phone IS NULL AND mobile IS NULL; SELECT id FROM contacts WHERE archived_at IS NULL AND email IS NULL AND phone IS NULL AND mobile IS NULL LIMIT 5;
     SELECT COUNT(*) FROM contacts WHERE archived_at IS NULL AND owner_id IS NULL; SELECT id FROM contacts WHERE archived_at IS NULL AND owner_id IS NULL LIMIT 5;
     SELECT id, first_name, last_name, email, phone, mobile, company_id FROM contacts WHERE archived_at IS NULL ORDER BY id;
     SELECT COUNT(*) FROM deals WHERE archived_at IS NULL AND owner_id IS NULL; SELECT id FROM deals WHERE archived_at IS NULL AND owner_id IS NULL LIMIT 5;
     SELECT d.id, d.amount_minor <= 0, d.expected_close IS NULL, d.expected_close < '2026-11-20' FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.archived_at IS NULL AND (d.amount_minor <= 0 OR d.expected_close IS NULL OR d.expected_close < '2026-11-20');
     SELECT COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.kind = 'task' AND a.done_at IS NULL);
     SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.kind = 'task' AND a.done_at IS NULL) LIMIT 5;
     SELECT COUNT(*) FROM contacts WHERE archived_at IS NULL AND lifecycle <> 'inactive' AND COALESCE(last_touched_at, created_at) < '2025-11-20T17:55:00.000Z'; SELECT id FROM contacts WHERE archived_at IS NULL AND lifecycle <> 'inactive' AND COALESCE(last_touched_at, created_at) < '2025-11-20T17:55:00.000Z' LIMIT 5;`,
  ],
];

const wanted = process.argv.slice(2);
let failed = 0;
console.log('report'.padEnd(14) + 'crm ms'.padStart(9) + 'sqlite3 ms'.padStart(12) + 'ratio'.padStart(8) + '   medians: crm, sqlite3, ratio');
for (const [name, flags, query] of cases) {
  if (wanted.length && !wanted.includes(name)) continue;
  const [ours, theirs] = timedPair([process.execPath, bin, 'report', name, ...flags, '--json'], [SQLITE3, db], query);
  const ratio = ours.min / theirs.min;
  if (ratio > 1.5) failed++;
  console.log(
    name.padEnd(14) + ours.min.toFixed(0).padStart(9) + theirs.min.toFixed(0).padStart(12) + ratio.toFixed(2).padStart(8) +
      `   ${ours.median.toFixed(0)}, ${theirs.median.toFixed(0)}, ${(ours.median / theirs.median).toFixed(2)}` + (ratio > 1.5 ? '  over 1.5×' : ''),
  );
}
if (process.env.BENCH_KEEP) console.log(`database kept: ${db}`);
else rmSync(dir, { recursive: true, force: true });
if (failed) console.log(`${failed} report(s) over the 1.5× target`);
