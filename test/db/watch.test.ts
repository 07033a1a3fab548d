/**
 * The change feed behind the live TUI (src/db/watch.ts), on both engines: another process writes
 * with crm, and the feed of a long-running reader reports it — SQLite by its data_version poll,
 * PostgreSQL by LISTEN/NOTIFY (sent on commit by crm's write transactions and by the tables'
 * triggers, so a write from psql is seen too). No timed assertion: each test waits for the event.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { openPostgres } from '../../src/db/postgres/connect.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { openChangeFeed, type ChangeFeed } from '../../src/db/watch.js';
import { crmOn, ENGINES, execSql, freshDatabase } from '../helpers/engines.js';
import { crmBin } from '../helpers/processes.js';

/** The next change the feed reports. */
function nextChange(feed: ChangeFeed): Promise<number> {
  return new Promise((resolve) => {
    const off = feed.onChange((v) => {
      off();
      resolve(v);
    });
  });
}

/** bin/crm in another process, without blocking this one's event loop (the feed must keep listening). */
function crmAsync(db: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [crmBin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', NO_COLOR: '1', CRM_DB: db } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.each(ENGINES)('the change feed on %s', (engine) => {
  it('reports a write committed by another crm process, and by another client', async () => {
    const handle = await freshDatabase(engine, 'watch');
    expect(crmOn(handle.url, ['db', 'migrate']).code).toBe(0);
    expect(crmOn(handle.url, ['contact', 'add', 'First One', '--email', 'first@example.com']).code).toBe(0); // claims the admin first
    const db: AnyDb = engine === 'postgres' ? await openPostgres(handle.url) : openDatabase(handle.url);
    const feed = await openChangeFeed(db, { pollMs: 20 });
    try {
      const seen = nextChange(feed);
      const added = await crmAsync(handle.url, ['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com']);
      expect(added.code, added.stderr).toBe(0);
      expect(await seen).toBe(1);
      // Not through crm: psql, or a bulk load on its own connection.
      const again = nextChange(feed);
      await execSql(handle.url, "UPDATE contacts SET title = 'CTO' WHERE id = 2");
      expect(await again).toBe(2);
      expect(feed.version).toBe(2);
    } finally {
      await feed.close();
      await db.close();
      handle.cleanup();
    }
  }, 60_000);
});
