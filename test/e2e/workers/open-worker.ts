/**
 * Child process for test/e2e/checkpoint-race.test.ts (issue 22): a database opened again and
 * again while others write and checkpoint. One JSON object per stdout line.
 *
 *   checkpoint DB SECONDS START   PRAGMA wal_checkpoint(TRUNCATE) in a loop (the file grows, the -wal empties)
 *   opener DB SECONDS START       open (as every crm command does), read, close, in a loop
 *
 * The opener stalls 1 ms after each stat() of the database file: what a process descheduled on
 * a busy machine does at random. A check that compares a size with a header read later then
 * meets the race every few hundred opens instead of once in hours.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { openDatabase } from '../../../src/db/sqlite.js';
import { CrmError } from '../../../src/errors.js';

const [mode, dbPath, seconds, start] = process.argv.slice(2);
const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const waitUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const deadline = async () => {
  await waitUntil(Number(start));
  return Date.now() + Number(seconds) * 1000;
};

async function checkpoint(): Promise<void> {
  const raw = new BetterSqlite3(dbPath!, { timeout: 5000 });
  const out = { role: 'checkpoint', checkpoints: 0, errors: [] as string[] };
  const end = await deadline();
  while (Date.now() < end) {
    try {
      raw.pragma('wal_checkpoint(TRUNCATE)');
      out.checkpoints++;
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY')) out.errors.push(String(err));
    }
    await new Promise((r) => setImmediate(r));
  }
  raw.close();
  say(out);
}

function stallAfterStat(file: string): void {
  const stat = fs.statSync;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const stalled = (p: fs.PathLike, ...rest: unknown[]) => {
    const result = (stat as (...a: unknown[]) => unknown)(p, ...rest);
    if (String(p) === file) Atomics.wait(pause, 0, 0, 1);
    return result;
  };
  Object.assign(fs, { statSync: stalled });
  syncBuiltinESMExports();
}

async function opener(): Promise<void> {
  stallAfterStat(dbPath!);
  const out = { role: 'opener', opens: 0, corrupt: [] as string[], errors: [] as string[] };
  const end = await deadline();
  while (Date.now() < end) {
    try {
      const db = openDatabase(dbPath!, { readonly: out.opens % 2 === 0 });
      try {
        db.sqlite.prepare('SELECT count(*) FROM contacts').get();
      } finally {
        db.close();
      }
      out.opens++;
    } catch (err) {
      if (err instanceof CrmError && err.code === 'db_corrupt') out.corrupt.push(err.message);
      else if (!(err instanceof CrmError && err.code === 'db_busy')) out.errors.push(String(err));
    }
  }
  say(out);
}

if (mode === 'checkpoint') await checkpoint();
else if (mode === 'opener') await opener();
else throw new Error(`unknown mode ${mode}`);
