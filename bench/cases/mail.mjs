// Mail in: a generated mbox (default 10,000 messages; BENCH_MAIL to change) from 500 contacts
// and 100 strangers — new tickets to the support address, threaded answers (In-Reply-To),
// mail to a salesperson (email activities), an HTML-only part and some "From " body lines —
// imported by `crm mail import --unknown create` into a fresh SQLite database, then imported
// again (every message unchanged). Target: the first import ≤ 10 s for 10,000 messages. The load
// average is printed with the times: on a shared machine wall time follows it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-mail-'));
const db = join(dir, 'bench.db');
const N = Number(process.env.BENCH_MAIL ?? 10_000);
const env = { ...process.env, CRM_DB: db, CRM_NOW: '2026-11-20T17:55:00Z', TZ: 'UTC' };
const crm = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')}: ${r.stderr}`);
  return r;
};

writeFileSync(db, '', { mode: 0o600 });
crm(['db', 'migrate']);
crm(['mail', 'support-address', 'support@acme.test']);

let seed = 11;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const start = Date.parse('2026-10-01T08:00:00Z');
const parts = [];
const opened = [];
for (let i = 0; i < N; i++) {
  const at = new Date(start + i * 240_000);
  const who = rand() < 0.9 ? `customer${Math.floor(rand() * 500)}@example.com` : `stranger${Math.floor(rand() * 100)}@elsewhere.test`;
  const r = rand();
  const h = [`From: Customer ${i} <${who}>`, `Date: ${at.toUTCString()}`, `Message-ID: <bench-${i}@example.com>`];
  let body = `Hello,\n\nFrom my side, message ${i}.\nThanks.`;
  if (r < 0.35 || !opened.length) {
    h.push('To: Support <support@acme.test>', `Subject: Problem ${i}`);
    opened.push(i);
  } else if (r < 0.75) {
    const parent = opened[Math.floor(rand() * opened.length)];
    h.push('To: support@acme.test', `Subject: Re: Problem ${parent}`, `In-Reply-To: <bench-${parent}@example.com>`, `References: <bench-${parent}@example.com>`);
  } else if (r < 0.9) {
    h.push('To: sales@acme.test', `Subject: Quote ${i}`, 'Content-Type: text/html; charset=utf-8');
    body = `<p>Please send the <b>quote</b> ${i}.</p>`;
  } else {
    h.push(`To: ${who}`, `From: support@acme.test`, `Subject: Newsletter ${i}`);
  }
  parts.push(`From ${who} ${at.toUTCString().replace(/,/, '')}\n${h.join('\n')}\n\n${body.replace(/^From /gm, '>From ')}\n\n`);
}
const box = join(dir, 'bench.mbox');
writeFileSync(box, parts.join(''));

const loadBefore = loadavg()[0];
let t = Date.now();
const first = crm(['mail', 'import', box, '--unknown', 'create']);
const firstMs = Date.now() - t;
t = Date.now();
const again = crm(['mail', 'import', box, '--unknown', 'create']);
const againMs = Date.now() - t;
console.log(first.stdout.trim());
console.log(`mail import of ${N} messages: ${(firstMs / 1000).toFixed(2)} s (target ≤ ${(N / 1000).toFixed(0)} s); again (all unchanged): ${(againMs / 1000).toFixed(2)} s; load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
console.log(again.stdout.trim());
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(dir);
process.exit(firstMs <= N ? 0 : 1);
