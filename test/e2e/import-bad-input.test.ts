/**
 * Issue #14 items 7 and 9 (import part): input that is not a sane CSV ends in one line, exit 1,
 * no stack, nothing imported and the write lock released — a stray quote in a 50 MB file (the
 * parse worker used to die of its heap limit while the importer waited for ever), a worker that
 * dies of any cause, /dev/zero, a directory, a FIFO, a binary file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const t = useTempDb();

/** A hang shows as a killed process (status null), never as a slow test passing. */
function crm(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(root, 'bin/crm'), ...args], {
    env: { ...process.env, CRM_DB: t.db, TZ: 'UTC', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 100_000,
    maxBuffer: 1 << 26,
  });
}

/** One error line and its hint: no stack, no internal error. */
function expectOneLineError(r: ReturnType<typeof crm>, message: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr).toMatch(/^error: [^\n]+\n(hint: [^\n]+\n)?$/);
  expect(r.stderr.split('\n')[0]).toMatch(message);
}

/** The lock is free and nothing was imported: another write goes through at once. */
function expectNothingImportedAndLockFree(): void {
  expect(JSON.parse(crm(['contact', 'list', '--json']).stdout)).toEqual([]);
  const add = crm(['contact', 'add', 'After Wards', '--email', 'after@x.test']);
  expect(add.status, add.stderr).toBe(0);
}

beforeEach(() => {
  const init = crm(['db', 'init', '--db', t.db]);
  expect(init.status, init.stderr).toBe(0);
});

describe('import of input that is not a sane CSV', () => {
  it('a stray quote near the top of a 50 MB file is one clear error, not a hang holding the write lock', () => {
    const f = join(t.dir, 'big.csv');
    const line = Buffer.from('Person Name,person@x.test,some notes about this person\n');
    const head = Buffer.from('name,email,notes\nAna Lima,ana@x.test,"a stray quote\n');
    writeFileSync(f, Buffer.concat([head, Buffer.alloc(50 << 20, line)]));
    const r = crm(['import', 'contacts', f]);
    expectOneLineError(r, /big\.csv: a field at row 2 is larger than 8 MB — a stray quote\?$/);
    expectNothingImportedAndLockFree();
  }, 120_000);

  it('a parse worker that dies (here: out of its heap) is reported in one line and the file rolls back', () => {
    const f = join(t.dir, 'wide.csv');
    const rows = ['name,email,notes'];
    for (let i = 0; i < 12; i++) rows.push(`P${i},p${i}@x.test,"${'x'.repeat(3 << 20)}"`);
    writeFileSync(f, rows.join('\n') + '\n');
    const r = crm(['import', 'contacts', f], { CRM_IMPORT_WORKER_HEAP_MB: '4', CRM_IMPORT_THREAD_BYTES: '0' });
    expectOneLineError(r, /^error: Reading .*wide\.csv failed: the CSV parser stopped \(it ran out of memory\); nothing was imported\.$/);
    expectNothingImportedAndLockFree();
    // With its usual heap the same file imports: 3 MB fields are within the limit.
    const ok = crm(['import', 'contacts', f], { CRM_IMPORT_THREAD_BYTES: '0' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('12 rows: 12 created');
  }, 120_000);

  it('/dev/zero, a directory and a FIFO are refused in one line', () => {
    expectOneLineError(crm(['import', 'contacts', '/dev/zero']), /^error: Cannot read \/dev\/zero: it is not a regular file \(a device, pipe or socket\), not a CSV file\.$/);
    expectOneLineError(crm(['import', 'contacts', t.dir]), /: it is a directory, not a CSV file\.$/);
    const fifo = join(t.dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(crm(['import', 'contacts', fifo]), /pipe\.csv: it is not a regular file/);
    expectNothingImportedAndLockFree();
  });

  it('a file of NUL bytes or a spreadsheet saved as .csv is "not a text CSV file"', () => {
    const zeros = join(t.dir, 'zeros.csv');
    writeFileSync(zeros, Buffer.alloc(3 << 20));
    expectOneLineError(crm(['import', 'contacts', zeros]), /zeros\.csv is not a text CSV file: its first line holds NUL bytes\.$/);
    const xlsx = join(t.dir, 'book.csv');
    writeFileSync(xlsx, Buffer.from('504b0304140006000800000021006', 'hex'));
    expectOneLineError(crm(['import', 'contacts', xlsx]), /not a text CSV file/);
  });
});
