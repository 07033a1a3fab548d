/** Sales quotas: an amount per owner for a month (2026-11), a quarter (2026-Q4) or a year (2026). */
import { recordAudit } from '../db/audit.js';
import { writeTransaction } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { isCurrencyCode, Money, parseMoney } from './money.js';
import { nowIso, type Session } from './session.js';
import { getUser } from './users.js';
import { authorize } from './permissions.js';
import { homeCurrency } from './settings.js';

export interface QuotaRecord {
  id: number;
  owner: string;
  period: string;
  amount: Money;
}

export function normalizeQuotaPeriod(text: string): string {
  const v = text.trim().toUpperCase();
  const m = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/.exec(v);
  if (!m) throw new UserError(`"${text}" is not a quota period.`, 'Use a month (2026-11), a quarter (2026-Q4) or a year (2026).', 'bad_period');
  return v;
}

/**
 * The amount may name its currency ("50000 EUR", "€50.000" with locale de); --currency is the
 * default for a bare number (the home currency, crm config set currency, when neither is given) and must agree with a named one.
 */
export async function setQuota(s: Session, ownerRef: string, periodText: string, amountText: string, currencyText?: string, locale?: string): Promise<QuotaRecord> {
  const owner = await getUser(s, ownerRef);
  await authorize(s, 'quota.write', { label: `${owner.handle}'s quota`, ownerId: owner.id });
  const period = normalizeQuotaPeriod(periodText);
  if (currencyText !== undefined && !isCurrencyCode(currencyText)) throw new UserError(`Unknown currency "${currencyText}".`, 'Use an ISO code such as EUR or USD.');
  const money = parseMoney(amountText, { defaultCurrency: currencyText ?? (await homeCurrency(s)), locale });
  if (currencyText !== undefined && money.currency !== currencyText.toUpperCase()) {
    throw new UserError(`The amount "${amountText}" is in ${money.currency} but --currency says ${currencyText.toUpperCase()}.`, 'Give the currency once.');
  }
  const currency = money.currency;
  const minor = money.minor;
  if (minor <= 0n) throw new UserError('A quota must be more than zero.', `To remove one: crm quota remove ${owner.handle} ${period}`);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const existing = await trx.selectFrom('quotas').selectAll().where('owner_id', '=', owner.id).where('period', '=', period).where('currency', '=', currency).executeTakeFirst();
    let id: number;
    if (existing) {
      await trx.updateTable('quotas').set({ amount_minor: Number(minor) }).where('id', '=', existing.id).execute();
      id = existing.id;
      await recordAudit(trx, { entity: 'quota', entityId: id, action: 'update', changes: { amount: [new Money(existing.amount_minor, currency).amount, new Money(minor, currency).amount] }, actor: s.actor, at });
    } else {
      id = (await trx.insertInto('quotas').values({ owner_id: owner.id, period, amount_minor: Number(minor), currency }).returning('id').executeTakeFirstOrThrow()).id;
      await recordAudit(trx, { entity: 'quota', entityId: id, action: 'create', changes: { owner: [null, owner.handle], period: [null, period], amount: [null, new Money(minor, currency).amount], currency: [null, currency] }, actor: s.actor, at });
    }
    return { id, owner: owner.handle, period, amount: new Money(minor, currency) };
  });
}

export async function listQuotas(s: Session, opts: { owner?: string; period?: string } = {}): Promise<QuotaRecord[]> {
  let q = s.db.kysely.selectFrom('quotas as q').innerJoin('users as u', 'u.id', 'q.owner_id').select(['q.id', 'u.handle', 'q.period', 'q.amount_minor', 'q.currency']).orderBy('q.period').orderBy('u.handle');
  if (opts.owner) q = q.where('q.owner_id', '=', (await getUser(s, opts.owner)).id);
  if (opts.period) q = q.where('q.period', '=', normalizeQuotaPeriod(opts.period));
  return (await q.execute()).map((r) => ({ id: r.id, owner: r.handle, period: r.period, amount: new Money(r.amount_minor, r.currency) }));
}

export async function removeQuota(s: Session, ownerRef: string, periodText: string): Promise<number> {
  const owner = await getUser(s, ownerRef);
  await authorize(s, 'quota.write', { label: `${owner.handle}'s quota`, ownerId: owner.id });
  const period = normalizeQuotaPeriod(periodText);
  const at = nowIso(s);
  return writeTransaction(s.db, async (trx) => {
    const rows = await trx.selectFrom('quotas').selectAll().where('owner_id', '=', owner.id).where('period', '=', period).execute();
    if (rows.length === 0) throw new UserError(`${owner.handle} has no quota for ${period}.`, `See quotas with: crm quota list --owner ${owner.handle}`, 'not_found');
    await trx.deleteFrom('quotas').where('owner_id', '=', owner.id).where('period', '=', period).execute();
    for (const r of rows) await recordAudit(trx, { entity: 'quota', entityId: r.id, action: 'delete', changes: { amount: [new Money(r.amount_minor, r.currency).amount, null] }, actor: s.actor, at });
    return rows.length;
  });
}
