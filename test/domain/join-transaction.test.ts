/**
 * Several domain writes in one transaction (joinTransaction): crm lead convert creates a company
 * and a deal through addCompany/addDeal inside its own transaction; a failure rolls all back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyDb } from '../../src/db/engine.js';
import { writeTransaction } from '../../src/db/transaction.js';
import { addCompany } from '../../src/domain/companies.js';
import { addDeal } from '../../src/domain/deals.js';
import { joinTransaction, type Session } from '../../src/domain/session.js';
import { createTestPgDatabase } from '../helpers/postgres.js';
import { openTestDb } from '../helpers/report-data.js';

describe.each(['sqlite', 'postgres'] as const)('joinTransaction on %s', (engine) => {
  let db: AnyDb | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await (db as { close?: () => unknown } | undefined)?.close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const open = async (): Promise<Session> => {
    if (engine === 'postgres') db = await openTestDb(await createTestPgDatabase('join'));
    else db = await openTestDb(join((dir = mkdtempSync(join(tmpdir(), 'crm-join-'))), 't.db'));
    return { db, now: () => new Date('2026-11-20T12:00:00Z'), actor: 'tester', timeZone: 'UTC' };
  };

  it('commits the joined writes together, and rolls them all back when one step fails', async () => {
    const s = await open();
    await expect(
      writeTransaction(s.db, async (trx) => {
        const inner = joinTransaction(s, trx);
        await addCompany(inner, { name: 'Acme Ltd' });
        await addDeal(inner, { title: 'Acme pilot', company: 'Acme Ltd' });
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    expect(await s.db.kysely.selectFrom('companies').select('id').execute()).toEqual([]);
    expect(await s.db.kysely.selectFrom('deals').select('id').execute()).toEqual([]);

    await writeTransaction(s.db, async (trx) => {
      const inner = joinTransaction(s, trx);
      await addDeal(inner, { title: 'Acme pilot', company: 'Acme Ltd' });
    });
    expect(await s.db.kysely.selectFrom('companies').select('name').execute()).toEqual([{ name: 'Acme Ltd' }]);
    expect(await s.db.kysely.selectFrom('deals').select('title').execute()).toEqual([{ title: 'Acme pilot' }]);
  });
});
