/**
 * Issue #14 item 1: an empty cell on an update import means "no value given" (--empty keep, the
 * default) for every column of every entity; --empty clear empties the fields on purpose and
 * --dry-run says which fields would be cleared. On both engines: PostgreSQL writes through its
 * own bulk path (src/db/postgres/import.ts), so the rules are checked there too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { useTempDb, type TempDb } from '../helpers/run-cli.js';

function file(t: TempDb, name: string, lines: string[]): string {
  const f = join(t.dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

async function exported(t: TempDb, entity: string): Promise<Record<string, unknown>[]> {
  return (await t.ok(['export', entity, '--json'])).json();
}

/** Each entity: a full record, and the columns that stay filled in the sparse file (its key). */
const CASES: { entity: string; header: string; full: string; key: string[]; before?: () => Promise<unknown> }[] = [
  {
    entity: 'users',
    header: 'handle,name,email,role,team,timezone,active',
    full: 'pat,Pat Agent,pat.agent@x.test,manager,North,Europe/Berlin,true',
    key: ['handle'],
  },
  {
    entity: 'companies',
    header: 'external_id,name,domain,industry,phone,website,address,city,region,country,postal_code,tier,source,owner,notes,tags,Extra',
    full: 'C-1,Acme,acme.test,Tools,+1 555 0100,https://acme.test,1 Road,Springfield,IL,US,12345,A,web,pat,Good one,"vip,big",x1',
    key: ['external_id'],
  },
  {
    entity: 'contacts',
    header: 'email,name,prefix,title,phone,mobile,company,company_role,lifecycle,source,owner,notes,tags,external_id,Extra',
    full: 'pat@x.test,Pat One,Dr.,CTO,+1 555 0101,+1 555 0102,Acme,buyer,customer,referral,pat,Met at fair,"vip,eu",P-1,x2',
    key: ['email'],
  },
  {
    entity: 'deals',
    header: 'external_id,title,company,contact,amount,stage,probability,expected_close,owner,source,lost_reason,tags,Extra',
    full: 'D-1,Acme renewal,Acme,pat@x.test,"1,250.50 EUR",Quote,40,2026-12-31,pat,web,,big,x3',
    key: ['external_id'],
  },
  {
    entity: 'tickets',
    header: 'external_id,subject,description,requester_email,company,priority,status,assignee,channel,category,satisfaction,tags,Extra',
    full: 'T-1,Printer on fire,It burns,pat@x.test,Acme,high,solved,pat,email,hardware,4,hot,x4',
    key: ['external_id'],
  },
  {
    entity: 'activities',
    header: 'external_id,kind,subject,body,contact,company,deal,occurred,duration,owner,Extra',
    full: 'A-1,call,Intro call,Talked,pat@x.test,Acme,D-1,2026-11-02 10:00,30,pat,x5',
    key: ['external_id', 'kind'],
  },
];

function sparse(header: string, full: string, key: string[]): string {
  const names = header.split(',');
  // The full lines quote some cells: rebuild the sparse row from the key cells only.
  const cells = names.map((n) => (key.includes(n) ? full.split(',')[names.indexOf(n)]! : ''));
  return cells.join(',');
}

describe.each(ENGINES)('%s', (engine) => {
  const t = useTempDb({ engine });
  const { crm, ok } = t;

  describe('an empty cell on update means "no value given"', () => {
    it('the issue\'s example: phone, title, owner and tags survive a sparse update; --empty clear clears them, shown in --dry-run', async () => {
      await ok(['user', 'add', 'sara', '--name', 'Sara Rep']);
      await ok(['contact', 'add', 'Pat One', '--email', 'pat@x.test', '--phone', '+1 555 0101', '--title', 'CTO', '--owner', 'sara', '--tag', 'vip']);
      const before = await exported(t, 'contacts');
      const v = file(t, 'v.csv', ['name,email,phone,title,owner,tags', 'Pat One,pat@x.test,,,,']);
      const kept = await ok(['import', 'contacts', v]);
      expect(kept.stdout).toContain('1 row: 0 created, 0 updated, 1 unchanged, 0 rejected');
      expect(kept.stdout).toContain('4 empty cells left the stored value as it is (--empty clear clears such fields)');
      expect(await exported(t, 'contacts')).toEqual(before);

      const dry = await ok(['import', 'contacts', v, '--empty', 'clear', '--dry-run']);
      expect(dry.stdout).toContain('row 2: would be updated #1: phone (would be cleared), title (would be cleared), owner (would be cleared), tags (would be cleared)');
      expect(await exported(t, 'contacts')).toEqual(before);
      const cleared = await ok(['import', 'contacts', v, '--empty', 'clear']);
      expect(cleared.stdout).toContain('row 2: updated #1: phone (cleared), title (cleared), owner (cleared), tags (cleared)');
      expect((await exported(t, 'contacts'))[0]).toMatchObject({ phone: null, title: null, owner: null, tags: [] });
    });

    it('keeps every stored value of every entity when only the key is given', async () => {
      for (const c of CASES) {
        const full = await crm(['import', c.entity, file(t, `${c.entity}-full.csv`, [c.header, c.full]), '--create-missing', 'users']);
        expect(full.stderr).not.toMatch(/rejected row|invalid/);
        expect(full.exitCode, `${c.entity}: ${full.stderr}`).toBe(0);
      }
      const before = new Map<string, unknown>();
      for (const c of CASES) before.set(c.entity, await exported(t, c.entity));
      for (const c of CASES) {
        const r = await crm(['import', c.entity, file(t, `${c.entity}-sparse.csv`, [c.header, sparse(c.header, c.full, c.key)])]);
        expect(r.exitCode, `${c.entity}: ${r.stderr}`).toBe(0);
        expect(r.stdout, c.entity).toMatch(/1 row: 0 created, 0 updated, 1 unchanged, 0 rejected/);
      }
      for (const c of CASES) expect(await exported(t, c.entity), c.entity).toEqual(before.get(c.entity));
    });

    it('a sparse row may update a record it matches by key even without the required name, and still cannot create one', async () => {
      await ok(['contact', 'add', 'Pat One', '--email', 'pat@x.test', '--title', 'CTO']);
      const f = file(t, 'no-name.csv', ['name,email,phone', ',pat@x.test,+1 555 0199', ',new@x.test,+1 555 0100']);
      const r = await crm(['import', 'contacts', f, '--skip-invalid', '--rejects', join(t.dir, 'rej.csv')]);
      expect(r.stdout).toContain('2 rows: 0 created, 1 updated, 0 unchanged, 1 rejected');
      expect(r.stderr).toContain('row 3, name: a contact needs a name');
      expect((await exported(t, 'contacts'))[0]).toMatchObject({ firstName: 'Pat', lastName: 'One', title: 'CTO', phone: '+1 555 0199' });
    });

    it('a deal with an empty stage cell keeps its stage (keep) and is refused with --empty clear', async () => {
      await ok(['import', 'deals', file(t, 'd.csv', ['external_id,title,stage', 'D-1,Big one,Quote'])]);
      const f = file(t, 'd2.csv', ['external_id,title,stage', 'D-1,Big one renamed,']);
      expect((await ok(['import', 'deals', f])).stdout).toContain('updated #1: title');
      expect((await exported(t, 'deals'))[0]).toMatchObject({ title: 'Big one renamed', stage: 'Quote' });
      const clear = await crm(['import', 'deals', f, '--empty', 'clear']);
      expect(clear.exitCode).toBe(1);
      expect(clear.stderr).toContain('a deal needs a stage');
    });

    it('--empty takes keep or clear', async () => {
      const r = await crm(['import', 'contacts', file(t, 'x.csv', ['name', 'A']), '--empty', 'blank']);
      expect(r.exitCode).toBe(2);
      // (A fresh PostgreSQL database first says who became its admin: the error is the line after.)
      expect(r.stderr.split('\n').find((l) => l.startsWith('error:'))).toBe('error: Unknown --empty "blank".');
    });
  });
});
