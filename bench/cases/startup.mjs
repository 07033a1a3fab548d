// Start-up: `crm --help` and `crm contact list --limit 20` on a 100k-contact database, each as
// a ratio to `node -e 0` measured in the same run (median of N runs). Targets: ≤ 1.5× and ≤ 3×.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
const db = join(dir, 'bench.db');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const env = { ...process.env, CRM_DB: db, CRM_NOW: '2026-11-20T17:55:00Z' };

spawnSync(process.execPath, [bin, 'db', 'init'], { env });
const sqlite = new Database(db);
const insert = sqlite.prepare(
  "INSERT INTO contacts (first_name, last_name, email, email_norm, phone, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
);
sqlite.transaction(() => {
  for (let i = 0; i < 100_000; i++) {
    const email = `person${i}@example.com`;
    insert.run(`First${i}`, `Last${i}`, email, email, `+1 555 ${i}`, `first${i} last${i} ${email}`);
  }
})();
sqlite.close();

function median(cmd, args) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const base = median(process.execPath, ['-e', '0']);
const help = median(process.execPath, [bin, '--help']);
const list = median(process.execPath, [bin, 'contact', 'list', '--limit', '20']);
const row = (name, ms, target) => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}× node  (target ≤ ${target}×) ${ms / base <= target ? 'ok' : 'MISSED'}`);
console.log(`node -e 0                          ${base.toFixed(1).padStart(7)} ms`);
row('crm --help', help, 1.5);
row('crm contact list --limit 20 (100k)', list, 3);
rmSync(dir, { recursive: true, force: true });
