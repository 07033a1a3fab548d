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
import { writeTransactionSync } from '../../src/db/transaction.js';
import type { Db } from '../../src/db/sqlite.js';
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

export function loadMaven(db: Db): { deals: MavenDeal[] } {
  const teams = readMaven<{ sales_agent: string; manager: string; regional_office: string }>('sales_teams.csv');
  const accounts = readMaven<{ account: string }>('accounts.csv');
  const deals = readMaven<MavenDeal>('sales_pipeline.csv');
  const t = MAVEN_IMPORTED_AT;
  writeTransactionSync(db, () => {
    const userIds = new Map<string, number>();
    const insUser = db.sqlite.prepare("INSERT INTO users (handle, name, role, team, active, created_at, updated_at) VALUES (?, ?, 'rep', ?, 1, ?, ?)");
    const addUser = (name: string, team: string | null) => {
      if (!userIds.has(name)) userIds.set(name, Number(insUser.run(handleFromName(name), name, team, t, t).lastInsertRowid));
      return userIds.get(name)!;
    };
    for (const r of teams) addUser(r.sales_agent, r.regional_office);
    const companyIds = new Map<string, number>();
    const insCompany = db.sqlite.prepare('INSERT INTO companies (name, name_fold, created_at, updated_at) VALUES (?, ?, ?, ?)');
    for (const a of accounts) companyIds.set(a.account, Number(insCompany.run(a.account, a.account.toLowerCase(), t, t).lastInsertRowid));
    const insDeal = db.sqlite.prepare(
      `INSERT INTO deals (title, pipeline_id, stage_id, company_id, amount_minor, currency, owner_id, won_at, lost_at, stage_entered_at, external_id, created_at, updated_at)
       VALUES (?, 1, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insHistory = db.sqlite.prepare('INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor) VALUES (?, ?, ?, ?, ?)');
    for (const d of deals) {
      const stage = STAGE_MAP[d.deal_stage];
      const created = d.engage_date ? `${d.engage_date}T00:00:00.000Z` : t;
      const closed = d.close_date ? `${d.close_date}T00:00:00.000Z` : null;
      const amount = d.close_value ? Math.round(Number(d.close_value) * 100) : 0;
      const ownerId = addUser(d.sales_agent, null);
      const firstStage = stage === STAGE.won || stage === STAGE.lost ? STAGE.qualification : stage;
      const id = Number(
        insDeal.run(
          d.product,
          stage,
          d.account ? (companyIds.get(d.account) ?? null) : null,
          amount,
          ownerId,
          stage === STAGE.won ? closed : null,
          stage === STAGE.lost ? closed : null,
          closed ?? created,
          d.opportunity_id,
          created,
          closed ?? created,
        ).lastInsertRowid,
      );
      insHistory.run(id, null, firstStage, created, 'import');
      if (closed && firstStage !== stage) insHistory.run(id, firstStage, stage, closed, 'import');
    }
  });
  return { deals };
}
