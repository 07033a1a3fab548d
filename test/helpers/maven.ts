/**
 * Loads ../shared/datasets/maven-crm-sales into a database the way `crm import` maps it
 * (issue 6): sales_teams → users (team = regional office), accounts → companies,
 * sales_pipeline → deals. Stages: Won → Won, Lost → Lost, Engaging → Qualification,
 * Prospecting → Prospecting. created_at = engage_date, won_at/lost_at = close_date (midnight UTC),
 * amount = close_value in USD cents, one deal_stage_history row for the creation and one for the close.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { handleFromName } from '../../src/domain/users.js';
import { writeTransaction } from '../../src/db/transaction.js';
import type { AnyDb } from '../../src/db/engine.js';
import { STAGE } from './report-data.js';

export const MAVEN_DIR = fileURLToPath(new URL('../../../shared/datasets/maven-crm-sales/', import.meta.url));

export interface MavenDeal {
  opportunity_id: string;
  sales_agent: string;
  product: string;
  account: string;
  deal_stage: 'Won' | 'Lost' | 'Engaging' | 'Prospecting';
  engage_date: string;
  close_date: string;
  close_value: string;
}

export function readMaven<T = Record<string, string>>(file: string): T[] {
  return parse(readFileSync(MAVEN_DIR + file, 'utf8'), { columns: true, skip_empty_lines: true }) as T[];
}

const STAGE_MAP = { Won: STAGE.won, Lost: STAGE.lost, Engaging: STAGE.qualification, Prospecting: STAGE.prospecting } as const;

/** When a Prospecting row has no engage date the import stamps the import time. */
export const MAVEN_IMPORTED_AT = '2026-11-01T00:00:00.000Z';

/**
 * Load the dataset through Kysely in one write transaction, on either engine (the same rows in
 * the same order, so ids agree too). Batched: a few hundred rows per INSERT.
 */
export async function loadMaven(db: AnyDb): Promise<{ deals: MavenDeal[] }> {
  const teams = readMaven<{ sales_agent: string; manager: string; regional_office: string }>('sales_teams.csv');
  const accounts = readMaven<{ account: string }>('accounts.csv');
  const deals = readMaven<MavenDeal>('sales_pipeline.csv');
  const t = MAVEN_IMPORTED_AT;
  await writeTransaction(db, async (trx) => {
    const users = new Map<string, string | null>();
    for (const r of teams) if (!users.has(r.sales_agent)) users.set(r.sales_agent, r.regional_office);
    for (const d of deals) if (!users.has(d.sales_agent)) users.set(d.sales_agent, null);
    const userIds = new Map<string, number>();
    for (const [name, team] of users) {
      const row = await trx.insertInto('users').values({ handle: handleFromName(name), name, role: 'rep', team, active: 1, created_at: t, updated_at: t }).returning('id').executeTakeFirstOrThrow();
      userIds.set(name, Number(row.id));
    }
    const companyIds = new Map<string, number>();
    for (const a of accounts) {
      const row = await trx.insertInto('companies').values({ name: a.account, name_fold: a.account.toLowerCase(), created_at: t, updated_at: t }).returning('id').executeTakeFirstOrThrow();
      companyIds.set(a.account, Number(row.id));
    }
    for (let i = 0; i < deals.length; i += 500) {
      const batch = deals.slice(i, i + 500).map((d) => {
        const stage = STAGE_MAP[d.deal_stage];
        const created = d.engage_date ? `${d.engage_date}T00:00:00.000Z` : t;
        const closed = d.close_date ? `${d.close_date}T00:00:00.000Z` : null;
        const firstStage = stage === STAGE.won || stage === STAGE.lost ? STAGE.qualification : stage;
        return { d, stage, created, closed, firstStage };
      });
      const ids = await trx
        .insertInto('deals')
        .values(
          batch.map(({ d, stage, created, closed }) => ({
            title: d.product,
            pipeline_id: 1,
            stage_id: stage,
            company_id: d.account ? (companyIds.get(d.account) ?? null) : null,
            amount_minor: d.close_value ? Math.round(Number(d.close_value) * 100) : 0,
            currency: 'USD',
            owner_id: userIds.get(d.sales_agent)!,
            won_at: stage === STAGE.won ? closed : null,
            lost_at: stage === STAGE.lost ? closed : null,
            stage_entered_at: closed ?? created,
            external_id: d.opportunity_id,
            created_at: created,
            updated_at: closed ?? created,
          })),
        )
        .returning('id')
        .execute();
      const history = batch.flatMap(({ stage, created, closed, firstStage }, k) => {
        const id = Number(ids[k]!.id);
        const rows: { deal_id: number; from_stage_id: number | null; to_stage_id: number; at: string; actor: string }[] = [{ deal_id: id, from_stage_id: null, to_stage_id: firstStage, at: created, actor: 'import' }];
        if (closed && firstStage !== stage) rows.push({ deal_id: id, from_stage_id: firstStage, to_stage_id: stage, at: closed, actor: 'import' });
        return rows;
      });
      await trx.insertInto('deal_stage_history').values(history).execute();
    }
  });
  return { deals };
}
