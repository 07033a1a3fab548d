/**
 * Issue 22: a user told "damaged" may restore over a healthy file, so `crm db restore` must
 * never replace the content without first keeping a copy of it. When that copy cannot be
 * written (here: a full disk, simulated), the restore refuses and the database is unchanged.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cliFor, useTempDb } from '../helpers/run-cli.js';

vi.mock('../../src/db/sqlite.js', async (original) => {
  const real = await original<typeof import('../../src/db/sqlite.js')>();
  return {
    ...real,
    snapshotTo: (from: string, to: string, lock?: Parameters<typeof real.snapshotTo>[2]) => {
      if (to.includes('.before-restore.')) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return real.snapshotTo(from, to, lock);
    },
  };
});

const t = useTempDb();

describe('crm db restore without its safety copy', () => {
  it('refuses, and the current content stays as it was', async () => {
    const crm = cliFor(t.db);
    expect((await crm(['contact', 'add', 'In Backup', '--email', 'backup@example.com'])).exitCode).toBe(0);
    const backup = join(t.dir, 'b.db');
    expect((await crm(['db', 'backup', backup])).exitCode).toBe(0);
    expect((await crm(['contact', 'add', 'Only Live', '--email', 'live@example.com'])).exitCode).toBe(0);
    const r = await crm(['db', 'restore', backup, '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('full');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const emails = (await crm(['contact', 'list', '--json'])).json().map((c: { email: string }) => c.email);
    expect(emails).toEqual(['backup@example.com', 'live@example.com']);
  });
});
