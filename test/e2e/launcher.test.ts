/**
 * bin/crm loads the built CommonJS chunks and keeps a V8 code cache next to each
 * (dist/NAME.cjs.cache). A cache is only ever an optimisation: a damaged or foreign one is
 * replaced, and a missing build is explained. Runs on a copy of bin/ and dist/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const t = useTempDb({ init: true });
let copy: string;

beforeEach(() => {
  copy = join(t.dir, 'crm');
  cpSync(join(root, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.cache') });
  cpSync(join(root, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
});

function crm(...args: string[]) {
  return spawnSync(process.execPath, [join(copy, 'bin', 'crm'), ...args], { env: { ...process.env, CRM_DB: t.db, CRM_USER: 'tester' }, encoding: 'utf8' });
}

describe('bin/crm', () => {
  it('writes a code cache on the first run and runs from it on the next', () => {
    const cache = join(copy, 'dist', 'cli.cjs.cache');
    expect(existsSync(cache)).toBe(false);
    expect(crm('contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com').status).toBe(0);
    expect(existsSync(cache)).toBe(true);
    const second = crm('contact', 'list', '--json');
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)[0].email).toBe('sara@example.com');
  });

  it('replaces a damaged cache instead of failing', () => {
    const cache = join(copy, 'dist', 'cli.cjs.cache');
    writeFileSync(cache, 'not a V8 code cache');
    const r = crm('--version');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(cache, 'utf8')).not.toBe('not a V8 code cache');
  });

  it('does not run a cache made for an older chunk of the same length (V8 only compares lengths)', () => {
    // A stand-in entry chunk whose top-level code (what a cache holds) decides what it prints.
    const chunk = join(copy, 'dist', 'cli.cjs');
    const entry = (word: string) => `const WORD = "${word}";\nmodule.exports = { main: async () => { process.stdout.write(WORD + "\\n"); return 0; } };\n`;
    writeFileSync(chunk, entry('AAAA'));
    expect(crm().stdout).toBe('AAAA\n');
    expect(existsSync(`${chunk}.cache`)).toBe(true);
    // Rewritten in place after its cache was made: same length, other code.
    writeFileSync(chunk, entry('BBBB'));
    const later = new Date(Date.now() + 2000);
    utimesSync(chunk, later, later);
    expect(crm().stdout).toBe('BBBB\n');
  });

  it('explains a missing build', () => {
    rmSync(join(copy, 'dist'), { recursive: true });
    const r = crm('--help');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('crm is not built yet');
    expect(r.stderr).toContain('npm install');
  });
});
