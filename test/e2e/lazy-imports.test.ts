/**
 * Start-up speed rests on loading less: only `crm tui` may load Ink and React. Runs the built
 * binary with a module-resolution hook that logs every import the process makes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestPgDatabase } from '../helpers/postgres.js';
import { useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hook = fileURLToPath(new URL('../fixtures/record-imports.mjs', import.meta.url));

const t = useTempDb();

function importsOf(args: string[], db?: string): string[] {
  return importLog(args, db).map((l) => l.specifier);
}

function importLog(args: string[], db = t.db): { specifier: string; url: string }[] {
  const log = join(t.dir, `imports-${args.join('-').replace(/\W+/g, '_')}-${db === t.db ? 'sqlite' : 'pg'}.log`);
  const r = spawnSync(process.execPath, ['--import', hook, join(root, 'bin/crm'), ...args], {
    env: { ...process.env, CRM_IMPORT_LOG: log, CRM_DB: db, NO_COLOR: '1' },
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
function bundledSourcesOf(args: string[], db?: string): string[] {
  const chunks = new Set(importLog(args, db).map((l) => l.url).filter((u) => u.startsWith('file:') && u.includes('/dist/') && /\.c?js$/.test(u)));
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

describe('the PostgreSQL driver loads only for a postgres:// URL', () => {
  const PG_PACKAGES = /^(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|pgpass|pg-copy-streams)$/;
  const PG_CHUNK = /^\.\/connect-\w+\.cjs$/;
  // pg is bundled into the postgres chunk (scripts/build.mjs): found by its sources.
  const PG_SOURCES = /node_modules\/(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|pgpass)\//;

  it.each([[['--help']], [['contact', 'list']], [['contact', 'add', 'Ana Lima', '--email', 'ana@example.com']], [['db', 'status']], [['report', 'lost-reasons', '--json']]])('SQLite: crm %j loads no pg', (args) => {
    const specifiers = importsOf(args);
    expect(specifiers.filter((s) => PG_PACKAGES.test(s) || PG_CHUNK.test(s))).toEqual([]);
    expect(bundledSourcesOf(args).filter((s) => PG_SOURCES.test(s))).toEqual([]);
  });

  it('the check would see pg: crm contact list on PostgreSQL loads it, and not better-sqlite3', async () => {
    const url = await createTestPgDatabase('lazy');
    const specifiers = importsOf(['contact', 'list'], url);
    expect(specifiers.some((s) => PG_CHUNK.test(s))).toBe(true);
    expect(bundledSourcesOf(['contact', 'list'], url).some((s) => /node_modules\/pg\/lib\/client\.js$/.test(s))).toBe(true);
    expect(specifiers).not.toContain('better-sqlite3');
    // pg's Cloudflare probe would load all of Node's fetch (undici) on Node 20 (postgres/load.ts).
    expect(specifiers).toContain('builtin:net'); // the check sees Node's own modules
    expect(specifiers.filter((s) => /undici/.test(s))).toEqual([]);
    // pg's crypto loads for md5 or SCRAM authentication only; the test server asks for neither.
    expect(specifiers).not.toContain('builtin:crypto');
  });
});

describe('start-up loads no Node module a command does not use', () => {
  it('commander runs no subcommand executables: crm contact list loads no child_process', () => {
    const specifiers = importsOf(['contact', 'list']);
    expect(specifiers).toContain('builtin:fs'); // the check sees Node's own modules
    expect(specifiers).not.toContain('builtin:child_process');
  });
});

describe('crm report loads only the report it runs', () => {
  const LUXON = /node_modules\/luxon\//;

  it('report lost-reasons: its own module, no other report, no luxon', () => {
    const sources = bundledSourcesOf(['report', 'lost-reasons', '--json']);
    // Each report is a folder src/reports/<name>/ (definition, query, builder).
    expect(sources.some((s) => s.endsWith('src/reports/lost-reasons/index.ts'))).toBe(true);
    expect(sources.filter((s) => /src\/reports\/(?!lost-reasons\/)[\w-]+\/[\w-]+\.ts$/.test(s))).toEqual([]);
    expect(sources.filter((s) => LUXON.test(s))).toEqual([]);
  });

  it('the check would see luxon: report tickets loads it', () => {
    expect(bundledSourcesOf(['report', 'tickets', '--json']).some((s) => LUXON.test(s))).toBe(true);
  });
});
