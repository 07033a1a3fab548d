/**
 * bin/crm loads the built CommonJS chunks and keeps a V8 code cache of each in a per-user cache
 * folder ($XDG_CACHE_HOME/crm, else ~/.cache/crm) — never in its own install folder, which may be
 * read-only or shared (issue 14 item 14). A cache is only ever an optimisation: a damaged or
 * foreign one is replaced, an unwritable folder is skipped, and a missing build is explained.
 * Runs on a copy of bin/ and dist/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const t = useTempDb({ init: true });
let copy: string;
let cacheHome: string;

beforeEach(() => {
  copy = join(t.dir, 'crm');
  cacheHome = join(t.dir, 'cache');
  cpSync(join(root, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.cache') });
  cpSync(join(root, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
});

function crm(args: string[], env: Record<string, string | undefined> = { XDG_CACHE_HOME: cacheHome }) {
  return spawnSync(process.execPath, [join(copy, 'bin', 'crm'), ...args], { env: { ...process.env, CRM_DB: t.db, ...env }, encoding: 'utf8' });
}

/** Every file under dir with its size and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = statSync(join(dir, name));
    out[name] = `${st.size} ${st.mtimeMs}`;
  }
  return out;
}

const caches = (dir = join(cacheHome, 'crm')) => (existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.cache')).map((f) => join(dir, f)) : []);

describe('bin/crm', () => {
  it('writes code caches to $XDG_CACHE_HOME/crm on the first run, runs from them next; dist/ is never written', () => {
    const before = snapshot(join(copy, 'dist'));
    expect(crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']).status).toBe(0);
    const written = caches();
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((f) => f.startsWith(join(cacheHome, 'crm', `v8-${process.version}-${process.arch}`)))).toBe(true);
    expect(written.every((f) => (statSync(f).mode & 0o777) === 0o600)).toBe(true);
    const stamps = written.map((f) => statSync(f).mtimeMs);
    const second = crm(['contact', 'list', '--json']);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)[0].email).toBe('sara@example.com');
    // Accepted, so not written again; no temp files left beside them.
    expect(written.map((f) => statSync(f).mtimeMs)).toEqual(stamps);
    expect((readdirSync(join(cacheHome, 'crm'), { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(snapshot(join(copy, 'dist'))).toEqual(before);
  });

  it('uses ~/.cache/crm without XDG_CACHE_HOME, and runs without writing anything when the cache folder is unwritable', () => {
    const home = join(t.dir, 'home');
    expect(crm(['--version'], { XDG_CACHE_HOME: undefined, HOME: home }).status).toBe(0);
    expect(caches(join(home, '.cache', 'crm')).length).toBeGreaterThan(0);
    const before = snapshot(join(copy, 'dist'));
    const notADir = join(t.dir, 'plain-file');
    writeFileSync(notADir, '');
    const r = crm(['contact', 'list', '--json'], { XDG_CACHE_HOME: join(notADir, 'cache') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(snapshot(join(copy, 'dist'))).toEqual(before);
  });

  it('replaces a damaged cache instead of failing', () => {
    expect(crm(['--version']).status).toBe(0);
    for (const f of caches()) writeFileSync(f, 'not a V8 code cache');
    const r = crm(['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(caches().map((f) => readFileSync(f, 'utf8'))).not.toContain('not a V8 code cache');
  });

  it('does not run a cache made for an older chunk of the same length (V8 only compares lengths)', () => {
    // A stand-in entry chunk whose top-level code (what a cache holds) decides what it prints.
    const chunk = join(copy, 'dist', 'cli.cjs');
    const entry = (word: string) => `const WORD = "${word}";\nmodule.exports = { main: async () => { process.stdout.write(WORD + "\\n"); return 0; } };\n`;
    writeFileSync(chunk, entry('AAAA'));
    expect(crm([]).stdout).toBe('AAAA\n');
    expect(caches()).toHaveLength(1);
    // Rewritten in place after its cache was made: same length, other code.
    writeFileSync(chunk, entry('BBBB'));
    const later = new Date(Date.now() + 2000);
    utimesSync(chunk, later, later);
    expect(crm([]).stdout).toBe('BBBB\n');
  });

  it('explains a missing build', () => {
    rmSync(join(copy, 'dist'), { recursive: true });
    const r = crm(['--help']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('crm is not built yet');
    expect(r.stderr).toContain('npm install');
  });
});
