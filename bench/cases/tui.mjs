// The TUI board over 10,000 deals: time to the first frame showing cards, and time for a key
// press to show on screen — measured in-process (the app rendered by ink-testing-library, the
// way the tests do, on a real database file), plus the real binary under tmux and on a bare
// pseudo-terminal, each against `node -e 0` timed the same way in the same run.
// Targets: first frame < 300 ms, key press < 50 ms.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

// Colour on, so a cursor move (inverse video) changes the frame we watch.
process.env.FORCE_COLOR = '1';
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'crm');
const dir = mkdtempSync(join(tmpdir(), 'crm-bench-tui-'));
const dbPath = join(dir, 'bench.db');
const DEALS = Number(process.env.BENCH_DEALS ?? 10_000);
const NOW = '2026-11-20T17:55:00Z';

// ---- data: users, companies, deals spread over the four open stages, three currencies ----
spawnSync(process.execPath, [bin, 'db', 'init'], { env: { ...process.env, CRM_DB: dbPath } });
const sqlite = new Database(dbPath);
const at = '2026-06-01T09:00:00.000Z';
sqlite.transaction(() => {
  const u = sqlite.prepare("INSERT INTO users (handle, name, role, created_at, updated_at) VALUES (?, ?, 'rep', ?, ?)");
  for (let i = 0; i < 40; i++) u.run(`rep${i}`, `Rep ${i}`, at, at);
  const c = sqlite.prepare('INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 2000; i++) c.run(`Company ${i} GmbH`, `company ${i} gmbh`, at, at);
  const open = sqlite.prepare("SELECT id FROM stages WHERE kind = 'open' ORDER BY position").all().map((r) => r.id);
  const d = sqlite.prepare(
    'INSERT INTO deals (title, pipeline_id, stage_id, company_id, amount_minor, currency, expected_close, owner_id, stage_entered_at, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const h = sqlite.prepare("INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor) VALUES (?, NULL, ?, ?, 'bench')");
  const currencies = ['EUR', 'USD', 'GBP'];
  for (let i = 1; i <= DEALS; i++) {
    const stage = open[i % open.length];
    const month = String(1 + (i % 12)).padStart(2, '0');
    const id = d.run(`Deal ${i} pumps and valves`, stage, 1 + (i % 2000), 100_000 + ((i * 7919) % 9_000_000), currencies[i % 3], `2026-${month}-15`, 1 + (i % 40), at, at, at).lastInsertRowid;
    h.run(id, stage, at);
  }
})();
sqlite.close();

// ---- the app, bundled from src/ the way the build does (Ink/React external) ----
const cacheDir = join(root, 'node_modules', '.cache', 'crm-bench');
mkdirSync(cacheDir, { recursive: true });
const outfile = join(cacheDir, 'tui-bench.mjs');
await build({
  stdin: {
    contents: "export { App } from './src/tui/app.tsx'; export { openDatabase } from './src/db/sqlite.ts';",
    resolveDir: root,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  logLevel: 'warning',
  external: ['better-sqlite3', 'ink', 'react', 'react/jsx-runtime', 'ink-testing-library', 'yoga-layout'],
  banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
});

const t0 = performance.now();
const { App, openDatabase } = await import(pathToFileURL(outfile).href);
const { render } = await import('ink-testing-library');
const React = await import('react');
const importMs = performance.now() - t0;

const db = openDatabase(dbPath);
const session = { db, now: () => new Date(NOW), actor: 'rep1', timeZone: 'UTC' };

async function until(check, timeoutMs = 10_000) {
  const start = performance.now();
  for (;;) {
    if (check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
const verdict = (ms, target) => (ms < target ? 'ok' : 'MISSED');

// First frame with cards, several times (fresh app each time; the first includes warm-up).
const firstFrames = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  const app = render(React.createElement(App, { session, color: true, initialScreen: 'board', size: { columns: 120, rows: 40 }, pollMs: 0, tickMs: 0 }));
  await until(() => /Deal \d+ pumps/.test(app.lastFrame() ?? ''));
  firstFrames.push(performance.now() - start);
  if (i < 4) app.unmount();
  else globalThis.benchApp = app;
}
const app = globalThis.benchApp;

// Key presses: wait until the frame differs from the one before the key.
async function press(key) {
  const before = app.lastFrame();
  const start = performance.now();
  app.stdin.write(key);
  await until(() => app.lastFrame() !== before);
  return performance.now() - start;
}
const nav = [];
for (let i = 0; i < 30; i++) nav.push(await press('j'));
for (let i = 0; i < 10; i++) nav.push(await press(i % 2 ? 'h' : 'l'));
for (let i = 0; i < 10; i++) nav.push(await press('k'));
// A move: the key until the status line confirms it (includes the write transaction).
const statusLine = () => (app.lastFrame() ?? '').split('\n').filter((l) => l.trim()).at(-1) ?? '';
const moves = [];
for (let i = 0; i < 5; i++) {
  await new Promise((r) => setTimeout(r, 100)); // the reload after the previous move
  app.stdin.write('h');
  await new Promise((r) => setTimeout(r, 50));
  const before = statusLine();
  const start = performance.now();
  app.stdin.write('L');
  await until(() => statusLine() !== before && /Moved #\d+/.test(statusLine()));
  moves.push(performance.now() - start);
}
app.unmount();
db.close();

console.log(`deals on the board                 ${DEALS}`);
console.log(`load app + Ink + React (once)      ${fmt(importMs)}`);
console.log(`first frame with cards (median 5)  ${fmt(median(firstFrames))}  (cold ${firstFrames[0].toFixed(1)} ms; target < 300 ms) ${verdict(median(firstFrames), 300)}`);
console.log(`key press → new frame (median 50)  ${fmt(median(nav))}  (max ${Math.max(...nav).toFixed(1)} ms; target < 50 ms) ${verdict(median(nav), 50)}`);
console.log(`move deal (L) → confirmed (med 5)  ${fmt(median(moves))}`);

// ---- the real binary under tmux: wall clock from launch to the first frame with cards ----
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (hasTmux) {
  const socket = `crm-bench-${process.pid}`;
  const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const real = [];
  const answered = [];
  const screenText = () => {
    try {
      return tmux('capture-pane', '-p', '-t', 'b');
    } catch {
      return ''; // the session is still starting
    }
  };
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    tmux('new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', `env -u CI CRM_DB='${dbPath}' CRM_USER=rep1 CRM_NOW=${NOW} ${process.execPath} '${bin}' tui; sleep 5`);
    await until(() => /crm/.test(screenText()), 15_000);
    answered.push(performance.now() - start);
    await until(() => /Deal \d+ pumps/.test(screenText()), 15_000);
    real.push(performance.now() - start);
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(`real binary: launch → first line   ${fmt(median(answered))}  (median 3; alternate screen entered before Ink loads)`);
  console.log(`real binary: launch → board shown  ${fmt(median(real))}  (median 3; includes node start-up, loading Ink/React and tmux polling)`);
  // This host's speed drifts several-fold with the other work on it: node's own start-up, timed
  // the same way in the same run, is the yardstick (target: board within 0.6 s on a host where
  // \`node -e 0\` takes ~60 ms, i.e. ≤ 10×).
  const bare = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    tmux('new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', `${process.execPath} -e "process.stdout.write('Deal 0 pumps')"; sleep 5`);
    await until(() => /Deal \d+ pumps/.test(screenText()), 15_000);
    bare.push(performance.now() - start);
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(`node -e 0 under tmux, same polling ${fmt(median(bare))}  → board shown = ${(median(real) / median(bare)).toFixed(1)}× node start-up`);
}

// ---- the real binary on a pseudo-terminal (script(1)), without tmux's polling: the time from
// launch until the bytes of the first frame with cards reach the terminal, against `node -e 0`
// printing the same text the same way, in the same run (#16 item 6: board within 0.6 s). ----
if (spawnSync('script', ['--version']).status === 0) {
  const { spawn } = await import('node:child_process');
  const { loadavg } = await import('node:os');
  const onPty = (cmd) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${cmd}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
      let seen = '';
      let done = false;
      child.stdout.on('data', (d) => {
        seen += d.toString('latin1');
        if (!done && /Deal \d+ pumps/.test(seen)) {
          done = true;
          resolve(performance.now() - start);
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
      });
      child.on('exit', () => done || reject(new Error(`exited before the board showed: ${seen.slice(-300)}`)));
    });
  const times = async (cmd, n) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await onPty(cmd));
    return out;
  };
  const RUNS = Number(process.env.BENCH_RUNS ?? 7);
  const load = loadavg()[0];
  // Alternate the two so both see the same machine.
  const board = [];
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    board.push(...(await times(`env -u CI CRM_DB='${dbPath}' CRM_USER=rep1 CRM_NOW=${NOW} ${process.execPath} '${bin}' tui`, 1)));
    bare.push(...(await times(`${process.execPath} -e "process.stdout.write('Deal 0 pumps')"`, 1)));
  }
  const b = median(board);
  const n = median(bare);
  console.log(`pty: launch → board frame written  ${fmt(b)}  (median ${RUNS}; target ≤ 600 ms) ${verdict(b, 600)}`);
  console.log(`pty: node -e 0 printing the same   ${fmt(n)}  → board = ${(b / n).toFixed(1)}× node start-up (target ≤ 10×) ${verdict(b / n, 10)}`);
  console.log(`load average at the start / end    ${load.toFixed(2)} / ${loadavg()[0].toFixed(2)}`);
}
rmSync(dir, { recursive: true, force: true });
