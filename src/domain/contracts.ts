/**
 * Contracts after the sale: a company, a start, an optional end and renewal date, a value and
 * an optional linked order (`crm contract add "Maintenance 2027" --company Acme --start …`).
 * The renewal date is what a reminder or rule can fire on: `crm contract list --renewing-within 60d`.
 */
import type { Selectable } from 'kysely';
import { diff, recordAudit } from '../db/audit.js';
import type { ContractsTable } from '../db/schema.js';
import { writeTransaction, type Trx } from '../db/transaction.js';
import { NotFoundError, UserError } from '../errors.js';
import { addDays, todayIn } from './period.js';
import { getCompany } from './companies.js';
import { Money, parseMoney, storableMinor } from './money.js';
import { getOrderRow } from './orders.js';
import { authorize } from './permissions.js';
import { nowIso, type Session } from './session.js';
import { cleanText, requireDate } from './validate.js';

type ContractRow = Selectable<ContractsTable>;

export interface ContractRecord {
  id: number;
  title: string;
  company: { id: number; name: string };
  order: string | null;
  startDate: string;
  endDate: string | null;
  renewalDate: string | null;
  value: Money | null;
  /** active (started, not ended), upcoming, or ended — from the dates and the clock. */
  status: 'upcoming' | 'active' | 'ended';
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContractInput {
  title: string;
  company: string;
  start: string;
  end?: string;
  renewal?: string;
  value?: string;
  order?: string;
  notes?: string;
}

async function toContractRecord(db: Trx, s: Session, c: ContractRow): Promise<ContractRecord> {
  const [company, order] = await Promise.all([
    db.selectFrom('companies').select(['id', 'name']).where('id', '=', c.company_id).executeTakeFirstOrThrow(),
    c.order_id === null ? undefined : db.selectFrom('orders').select('number').where('id', '=', c.order_id).executeTakeFirst(),
  ]);
  const today = todayIn(s.now(), s.timeZone);
  return {
    id: c.id,
    title: c.title,
    company: { id: company.id, name: company.name },
    order: order?.number ?? null,
    startDate: c.start_date,
    endDate: c.end_date,
    renewalDate: c.renewal_date,
    value: c.value_minor !== null && c.currency ? new Money(c.value_minor, c.currency) : null,
    status: c.start_date > today ? 'upcoming' : c.end_date !== null && c.end_date < today ? 'ended' : 'active',
    notes: c.notes,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export async function addContract(s: Session, input: ContractInput): Promise<ContractRecord> {
  await authorize(s, 'invoice.write');
  const title = cleanText(input.title);
  if (!title) throw new UserError('A contract needs a title.', 'crm contract add "Maintenance 2027" --company Acme --start 2027-01-01');
  const company = await getCompany(s, input.company);
  const start = requireDate(input.start, 'Start date');
  const end = input.end !== undefined ? requireDate(input.end, 'End date') : null;
  const renewal = input.renewal !== undefined ? requireDate(input.renewal, 'Renewal date') : null;
  if (end !== null && end < start) throw new UserError('The contract ends before it starts.', undefined, 'invalid_date');
  const value = input.value !== undefined ? parseMoney(input.value) : null;
  if (value && value.minor < 0n) throw new UserError('A contract value cannot be negative.', undefined, 'invalid_amount');
  if (value) storableMinor(value.minor, value.currency, 'The contract value');
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const order = input.order !== undefined ? await getOrderRow(trx, input.order) : undefined;
    const row = await trx
      .insertInto('contracts')
      .values({ title, company_id: company.id, order_id: order?.id ?? null, owner_id: order?.owner_id ?? company.owner_id ?? null, start_date: start, end_date: end, renewal_date: renewal, value_minor: value ? Number(value.minor) : null, currency: value?.currency ?? null, notes: cleanText(input.notes), created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { entity: 'contract', entityId: row.id, action: 'create', changes: diff({}, { title, company: company.name, start_date: start, end_date: end, renewal_date: renewal, value: value?.format() ?? null, order: order?.number ?? null }), actor: s.actor, at });
    return toContractRecord(trx, s, row);
  });
}

export async function showContract(s: Session, ref: string): Promise<ContractRecord> {
  const m = /^#?(\d+)$/.exec(ref.trim());
  const row = m ? await s.db.kysely.selectFrom('contracts').selectAll().where('id', '=', Number(m[1])).executeTakeFirst() : undefined;
  if (!row) throw new NotFoundError(`No contract ${ref}.`, 'List contracts with: crm contract list');
  return toContractRecord(s.db.kysely, s, row);
}

/** renewingWithinDays: contracts whose renewal date is from today up to that many days ahead. */
export async function listContracts(s: Session, opts: { company?: string; renewingWithinDays?: number } = {}): Promise<ContractRecord[]> {
  let q = s.db.kysely.selectFrom('contracts').selectAll().orderBy('start_date').orderBy('id');
  if (opts.company !== undefined) q = q.where('company_id', '=', (await getCompany(s, opts.company)).id);
  if (opts.renewingWithinDays !== undefined) {
    const today = todayIn(s.now(), s.timeZone);
    q = q.where('renewal_date', '>=', today).where('renewal_date', '<=', addDays(today, opts.renewingWithinDays));
  }
  const rows = await q.execute();
  return Promise.all(rows.map((r) => toContractRecord(s.db.kysely, s, r)));
}
