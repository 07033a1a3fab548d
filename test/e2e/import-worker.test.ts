/**
 * Large files are parsed on a second core (src/csv/parse-worker.ts). The worker path only exists
 * in the built binary, so these tests spawn bin/crm with the size threshold at 0 and check it
 * gives exactly what the in-thread reader gives, errors included.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDb, useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DATA = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

const t = useTempDb({ init: true });

function crm(args: string[], threadBytes: string, db = t.db) {
  return spawnSync(process.execPath, [join(root, 'bin/crm'), ...args], {
    env: { ...process.env, CRM_DB: db, CRM_NOW: '2026-11-20T17:55:00Z', TZ: 'UTC', NO_COLOR: '1', CRM_IMPORT_THREAD_BYTES: threadBytes },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
}

describe('import through the parsing worker', () => {
  it('gives the same records as the in-thread reader (quoted multi-line fields, CRLF, no final newline)', () => {
    const file = join(DATA, 'support-tickets-kaggle/customer_support_tickets.csv');
    const threaded = crm(['import', 'tickets', file, '--json'], '0');
    expect(threaded.stderr).not.toMatch(/internal error/);
    expect(threaded.status).toBe(0);
    const other = tempDb();
    crm(['db', 'init'], '0', other.db);
    try {
      const inline = crm(['import', 'tickets', file, '--json'], '1000000000000', other.db);
      expect(JSON.parse(threaded.stdout).created).toBe(JSON.parse(inline.stdout).created);
      const a = crm(['export', 'tickets'], '0');
      const b = crm(['export', 'tickets'], '0', other.db);
      expect(a.status).toBe(0);
      expect(a.stdout.split('\n').length).toBeGreaterThan(8469);
      expect(a.stdout).toBe(b.stdout);
    } finally {
      other.cleanup();
    }
    const again = crm(['import', 'tickets', file], '0');
    expect(again.stdout).toMatch(/0 created, 0 updated, \d+ unchanged, 0 rejected/);
  });

  it('finds repeated keys of a bulk load from the key cells the worker marks, as the in-thread reader does', () => {
    // 3,000 contacts, then repeats of earlier rows (just before, in the same insert batch, or
    // far back) written differently but with equal keys — unchanged — and repeats with the
    // address in capitals: same key, different email, so conflicts.
    const lines = ['name,email,work email,external id,phone'];
    const rowOf = (i: number) => ({ name: `Person ${i}`, email: i % 10 === 0 ? `'+p${i}@example.com` : `p${i}@example.com`, ext: i % 3 === 0 ? `X-${i}` : '', phone: `+1 555 ${1000 + i}` });
    let unchanged = 0;
    let conflicts = 0;
    for (let i = 0; i < 3000; i++) {
      const r = rowOf(i);
      lines.push([r.name, i % 7 === 0 ? '' : r.email, i % 7 === 0 ? r.email : '', r.ext, r.phone].join(','));
      if (i % 5 === 4) {
        const e = rowOf(i % 2 ? i - 3 : Math.floor(i / 2));
        const variant = i % 4;
        const email = variant === 0 ? ` ${e.email}\t` : variant === 1 ? `?` : e.email;
        lines.push([e.name, email, variant === 1 ? e.email : '', e.ext, e.phone].join(','));
        unchanged++;
      }
      if (i % 250 === 249) {
        const e = rowOf(i - 100);
        lines.push([e.name, e.email.toUpperCase(), '', e.ext, e.phone].join(','));
        conflicts++;
      }
    }
    const f = join(t.dir, 'repeats.csv');
    writeFileSync(f, lines.join('\n') + '\n');
    const threaded = crm(['import', 'contacts', f, '--json', '--dry-run'], '0');
    expect(threaded.stderr).not.toMatch(/internal error/);
    const result = JSON.parse(threaded.stdout);
    expect([result.created, result.unchanged, result.rejected]).toEqual([3000, unchanged, conflicts]);
    expect(result.details.find((d: { outcome: string }) => d.outcome === 'rejected').error.reason).toMatch(/^conflicts with row \d+ \(same email, different email\)$/);
    expect(crm(['import', 'contacts', f, '--json', '--dry-run'], '1000000000000').stdout).toBe(threaded.stdout);
  });

  it('reports decoding errors from the worker as the same one-line error', () => {
    const f = join(t.dir, 'bad.csv');
    writeFileSync(f, Buffer.concat([Buffer.from('name,email\nJos'), Buffer.from([0xe9]), Buffer.from(' Li,j@example.com\n')]));
    const r = crm(['import', 'contacts', f], '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: ${f} is not valid UTF-8: byte 0xE9 at offset 14 cannot start or continue a character.\nhint: If the file was saved by Excel or an older system, name its encoding: --encoding windows-1252 (or latin1, iso-8859-15, shift_jis, gb18030…).\n`);
    const ok = crm(['import', 'contacts', f, '--encoding', 'windows-1252'], '0');
    expect(ok.status).toBe(0);
  });

  it('reports a decoding error past the first chunk (met by the worker) as the in-thread reader does', () => {
    const f = join(t.dir, 'bad-late.csv');
    const rows = Array.from({ length: 60_000 }, (_, i) => `Person ${i},p${i}@example.com`).join('\n');
    writeFileSync(f, Buffer.concat([Buffer.from(`name,email\n${rows}\nJos`), Buffer.from([0xe9]), Buffer.from(' Li,j@example.com\n')]));
    const threaded = crm(['import', 'contacts', f], '0');
    expect(threaded.status).toBe(1);
    const offset = Number(/is not valid UTF-8: byte 0xE9 at offset (\d+) cannot start or continue a character/.exec(threaded.stderr)?.[1]);
    expect(offset).toBeGreaterThan(1 << 20); // past the chunk the importer reads itself
    expect(crm(['import', 'contacts', f], '1000000000000').stderr).toBe(threaded.stderr);
  });

  it('keeps cells holding a NUL character intact (the worker then sends rows unpacked)', () => {
    const f = join(t.dir, 'nul.csv');
    writeFileSync(f, 'name,email,notes\nAna Lima,ana@example.com,"a\u0000b"\nBo Chen,bo@example.com,plain\n');
    // A control character is refused in any cell (domain/validate.ts); the error names the NUL at
    // its place in the cell, so both paths saw the cell whole — and say the same.
    const threaded = crm(['import', 'contacts', f], '0');
    expect(threaded.status).toBe(1);
    expect(threaded.stderr).toContain('row 2, notes "ab": contains the control character U+0000 at position 2');
    const other = tempDb();
    crm(['db', 'init'], '0', other.db);
    try {
      const direct = crm(['import', 'contacts', f], '1000000000000', other.db);
      expect(direct.status).toBe(1);
      expect(direct.stderr).toBe(threaded.stderr);
    } finally {
      other.cleanup();
    }
  });
});
