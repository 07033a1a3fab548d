/**
 * Both engines for end-to-end tests: the same bin/crm command lines against a fresh SQLite file
 * and a fresh PostgreSQL database (the run's embedded server, test/setup/postgres.ts).
 *
 *   describe.each(ENGINES)('%s', (engine) => {
 *     const db = useEngineDb(engine);
 *     it('…', () => expect(crmOn(db.url, ['contact', 'list', '--json']).code).toBe(0));
 *   });
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createTestPgDatabase } from './postgres.js';
import { crmBin } from './processes.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EngineDb {
  engine: EngineName;
  /** What --db / CRM_DB takes: a file path or a postgres:// URL. */
  url: string;
  cleanup(): void;
}

/** A fresh, empty database of the engine. */
export async function freshDatabase(engine: EngineName, label = 'crm'): Promise<EngineDb> {
  if (engine === 'postgres') return { engine, url: await createTestPgDatabase(label), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'crm-engine-'));
  // An empty file, as a fresh PostgreSQL database is an empty one: crm db migrate sets up either
  // (a missing file is refused; only crm init creates one).
  const url = join(dir, `${label}.db`);
  writeFileSync(url, '', { mode: 0o600 });
  return { engine, url, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database of the engine for the enclosing describe block (beforeAll / afterAll). */
export function useEngineDb(engine: EngineName, label = 'crm'): EngineDb {
  const handle: EngineDb = { engine, url: '', cleanup: () => undefined };
  beforeAll(async () => Object.assign(handle, await freshDatabase(engine, label)));
  afterAll(() => handle.cleanup());
  return handle;
}

export interface CrmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/crm once against `db` (CRM_DB), with a frozen clock and a fixed user. */
export function crmOn(db: string, args: string[], env: Record<string, string> = {}): CrmResult {
  const r = spawnSync(process.execPath, [crmBin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', NO_COLOR: '1', CRM_DB: db, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
