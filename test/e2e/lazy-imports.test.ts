/**
 * Start-up speed rests on loading less: only `crm tui` may load Ink and React. Runs the built
 * binary with a module-resolution hook that logs every import the process makes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hook = fileURLToPath(new URL('../fixtures/record-imports.mjs', import.meta.url));

const t = useTempDb();

function importsOf(args: string[]): string[] {
  return importLog(args).map((l) => l.specifier);
}

function importLog(args: string[]): { specifier: string; url: string }[] {
  const log = join(t.dir, `imports-${args.join('-').replace(/\W+/g, '_')}.log`);
  const r = spawnSync(process.execPath, ['--import', hook, join(root, 'bin/crm'), ...args], {
    env: { ...process.env, CRM_IMPORT_LOG: log, CRM_DB: t.db, NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(r.stderr).not.toMatch(/internal error/);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [specifier, url] = l.split('\t');
      return { specifier: specifier!, url: url! };
    });
}

/**
 * The source files bundled into the dist chunks a command loaded, from each chunk's linked
 * source map (chunk names are hashes, so a bundled package is found by its sources).
 */
function bundledSourcesOf(args: string[]): string[] {
  const chunks = new Set(importLog(args).map((l) => l.url).filter((u) => u.startsWith('file:') && u.includes('/dist/') && /\.c?js$/.test(u)));
  return [...chunks].flatMap((u) => (JSON.parse(readFileSync(fileURLToPath(u) + '.map', 'utf8')) as { sources: string[] }).sources);
}

const UI_PACKAGES = /^(ink|react|react\/.*|react-reconciler|yoga-layout|ink-testing-library)$/;

describe('non-TUI commands never load Ink or React', () => {
  it.each([[['--help']], [['contact', 'list']], [['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']], [['db', 'status']]])('crm %j', (args) => {
    const specifiers = importsOf(args);
    // The hook does see the command's own imports (the database layer's chunk and better-sqlite3
    // for contact list)…
    expect(specifiers.some((s) => /dist\/cli\.cjs$/.test(s))).toBe(true);
    if (args[0] === 'contact') {
      expect(specifiers.some((s) => /^\.\/sqlite-\w+\.cjs$/.test(s))).toBe(true);
      expect(specifiers).toContain('better-sqlite3');
    }
    // …and nothing of the UI stack.
    expect(specifiers.filter((s) => UI_PACKAGES.test(s))).toEqual([]);
  });

  it('the hook would see Ink and React if something loaded them', () => {
    const log = join(t.dir, 'control.log');
    const r = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', "await import('ink'); await import('react');"], {
      cwd: root,
      env: { ...process.env, CRM_IMPORT_LOG: log },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const specifiers = readFileSync(log, 'utf8').split('\n').map((l) => l.split('\t')[0]);
    expect(specifiers).toContain('ink');
    expect(specifiers).toContain('react');
  });

  it('crm tui without a terminal refuses before loading them, pointing at --json', () => {
    expect(importsOf(['tui']).filter((s) => UI_PACKAGES.test(s))).toEqual([]);
  });
});

describe('crm report loads only the report it runs', () => {
  const LUXON = /node_modules\/luxon\//;

  it('report lost-reasons: its own module, no other report, no luxon', () => {
    const sources = bundledSourcesOf(['report', 'lost-reasons', '--json']);
    expect(sources.some((s) => s.endsWith('src/commands/report/lost-reasons.ts'))).toBe(true);
    expect(sources.filter((s) => /src\/commands\/report\/(?!lost-reasons|common|index)[\w-]+\.ts$/.test(s))).toEqual([]);
    expect(sources.filter((s) => LUXON.test(s))).toEqual([]);
  });

  it('the check would see luxon: report tickets loads it', () => {
    expect(bundledSourcesOf(['report', 'tickets', '--json']).some((s) => LUXON.test(s))).toBe(true);
  });
});
