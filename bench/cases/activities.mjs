// Activities at scale: the demo database plus 300k more activities (calls, emails and tasks on
// random contacts). Times `crm agenda`, `crm contact show` and `crm company show` (timeline),
// `crm report untouched`, `crm activity list` and `crm log … --next --due` (a write that loads
// chrono-node), as medians next to `node -e 0`. Target: each under 3× a bare node start
// (everyone's agenda, thousands of lines, is reported without a target).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-act-'));
const db = join(dir, 'bench.db');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const EXTRA = Number(process.env.BENCH_ACTIVITIES ?? 300_000);
const env = { ...process.env, CRM_DB: db, CRM_NOW: '2026-11-20T17:55:00Z', TZ: 'Europe/Berlin', CRM_USER: 'bench' };

const seeded = spawnSync(process.execPath, [bin, 'demo'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
if (seeded.status !== 0) throw new Error(String(seeded.stderr));
const sqlite = new Database(db);
const contacts = sqlite.prepare('SELECT id, company_id, owner_id FROM contacts').all();
const rep = sqlite.prepare("SELECT u.handle FROM users u JOIN contacts c ON c.owner_id = u.id GROUP BY u.id ORDER BY count(*) DESC LIMIT 1").pluck().get();
const insert = sqlite.prepare(
  'INSERT INTO activities (kind, subject, contact_id, company_id, occurred_at, due_at, done_at, owner_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const now = Date.parse('2026-11-20T17:55:00Z');
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const t0 = Date.now();
sqlite.transaction(() => {
  for (let i = 0; i < EXTRA; i++) {
    const c = contacts[Math.floor(rand() * contacts.length)];
    const at = new Date(now - Math.floor(rand() * 700 * 86400000)).toISOString();
    const task = rand() < 0.2;
    const due = task ? new Date(now + Math.floor((rand() - 0.8) * 60 * 86400000)).toISOString() : null;
    insert.run(task ? 'task' : rand() < 0.6 ? 'call' : 'email', 'Bench activity', c.id, c.company_id, task ? null : at, due, task && rand() < 0.9 ? at : null, c.owner_id, 'bench', at, at);
  }
})();
sqlite.close();
console.log(`demo + ${EXTRA.toLocaleString('en')} activities inserted in ${Date.now() - t0} ms`);

function median(args) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(args[0], args.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const base = median([process.execPath, '-e', '0']);
console.log(`node -e 0: ${base.toFixed(0)} ms`);
let failed = 0;
for (const [args, target] of [
  [['agenda', '--owner', rep, '--days', '7'], 3],
  // Everyone's agenda prints thousands of lines here (every open task of 50 reps): no target.
  [['agenda', '--owner', 'all', '--days', '7'], Infinity],
  [['contact', 'show', '1'], 3],
  [['company', 'show', '1'], 3],
  [['report', 'untouched', '--days', '365'], 3],
  [['activity', 'list', 'contact:1', '--limit', '50'], 3],
  [['log', 'call', '1', 'Bench call', '--next', 'Follow up', '--due', 'next friday'], 3],
]) {
  const ms = median([process.execPath, bin, ...args]);
  const ratio = ms / base;
  const ok = ratio <= target;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'SLOW'} crm ${args.join(' ')}: ${ms.toFixed(0)} ms (${ratio.toFixed(1)}× node)`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
