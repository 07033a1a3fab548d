// Pipeline speed: `crm pipeline` (one GROUP BY stage, currency over every deal), the same with a
// filter (owner + amount), with --as-of (stage rebuilt from deal_stage_history per deal), and
// `deal list 'stale:>30d' --limit 50`, on BENCH_DEALS deals (default 200,000) with 4 history rows
// each. Target: crm pipeline under 1 s at 200k deals. Each command is a fresh process (start-up
// included), best of 3.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-pipeline-'));
const DEALS = Number(process.env.BENCH_DEALS ?? 200_000);
const NOW = '2026-11-20T17:55:00.000Z';
const env = { ...process.env, CRM_NOW: NOW, CRM_USER: 'bench', TZ: 'UTC' };
const dbPath = join(dir, 'crm.db');

spawnSync(process.execPath, [bin, '--db', dbPath, 'db', 'init'], { env });
spawnSync(process.execPath, [bin, '--db', dbPath, 'user', 'add', 'sara'], { env });
const db = new Database(dbPath);
const stages = db.prepare('SELECT id, kind FROM stages WHERE pipeline_id = 1 ORDER BY position').all();
const currencies = ['USD', 'EUR', 'JPY', 'AED', 'BRL', 'CNY'];
const insertDeal = db.prepare(
  'INSERT INTO deals (id, title, pipeline_id, stage_id, amount_minor, currency, probability, expected_close, owner_id, stage_entered_at, won_at, lost_at, lost_reason, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const insertHistory = db.prepare('INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor) VALUES (?, ?, ?, ?, ?)');
const t0 = Date.now();
const nowMs = Date.parse(NOW);
db.transaction(() => {
  for (let i = 1; i <= DEALS; i++) {
    const created = nowMs - ((i * 7919) % 400) * 86400000;
    const stage = stages[i % stages.length];
    const at = (k) => new Date(created + k * 5 * 86400000).toISOString();
    const moves = Math.min(3, i % 4);
    const entered = at(moves);
    insertDeal.run(
      i, `Deal ${i}`, stage.id, 1000 + ((i * 104729) % 5_000_000), currencies[i % currencies.length], i % 10 === 0 ? 40 : null,
      new Date(nowMs + ((i % 120) - 30) * 86400000).toISOString().slice(0, 10), i % 3 === 0 ? 1 : null, entered,
      stage.kind === 'won' ? entered : null, stage.kind === 'lost' ? entered : null, stage.kind === 'lost' ? 'price' : null, at(0), entered,
    );
    insertHistory.run(i, null, stages[0].id, at(0), 'bench');
    for (let k = 1; k <= moves; k++) insertHistory.run(i, stages[k - 1].id, k === moves ? stage.id : stages[k].id, at(k), 'bench');
  }
})();
db.close();
console.log(`seeded ${DEALS} deals, ${DEALS * 2.5} history rows in ${Date.now() - t0} ms`);

function best(args) {
  let bestMs = Infinity;
  let out = '';
  for (let k = 0; k < 3; k++) {
    const s = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, '--db', dbPath, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    if (r.status !== 0) throw new Error(`crm ${args.join(' ')}: ${r.stderr}`);
    bestMs = Math.min(bestMs, ms);
    out = r.stdout;
  }
  return { ms: bestMs, out };
}

const results = [
  ['crm pipeline --json', best(['pipeline', '--json'])],
  ['crm pipeline owner:sara amount:>10000', best(['pipeline', 'owner:sara', 'amount:>10000', '--json'])],
  ['crm pipeline --as-of 2026-09-30', best(['pipeline', '--as-of', '2026-09-30', '--json'])],
  ["crm deal list 'stale:>30d' --limit 50", best(['deal', 'list', 'stale:>30d', '--limit', '50'])],
];
const total = JSON.parse(results[0][1].out).stages.reduce((n, s) => n + s.count, 0);
if (total !== DEALS) throw new Error(`pipeline counted ${total} deals, expected ${DEALS}`);
for (const [name, r] of results) console.log(`${name.padEnd(42)} ${r.ms.toFixed(0).padStart(6)} ms`);
const ok = results[0][1].ms < 1000;
console.log(ok ? 'target met: crm pipeline < 1 s' : 'TARGET MISSED: crm pipeline ≥ 1 s');
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dbPath);
process.exit(ok ? 0 : 1);
