/** The database's defaults, set by `crm init`: home currency, time zone, week start (the settings table). */
import { writeTransaction } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { recordAudit } from '../db/audit.js';
import { nowIso, type Session } from './session.js';
import { parseWeekStart, validateTimeZone, WEEK_DAYS } from './users.js';

export interface Defaults {
  currency: string | null;
  timezone: string | null;
  /** monday … sunday */
  weekStart: string | null;
}

const KEYS = { currency: 'currency', timezone: 'timezone', weekStart: 'week_start' } as const;

export async function readDefaults(s: Pick<Session, 'db'>): Promise<Defaults> {
  const rows = await s.db.kysely.selectFrom('settings').selectAll().where('key', 'in', Object.values(KEYS)).execute();
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? null;
  return { currency: get(KEYS.currency), timezone: get(KEYS.timezone), weekStart: get(KEYS.weekStart) };
}

/** The currency of an amount given without one where crm may assume it (crm config set currency; USD when unset). */
export async function homeCurrency(s: Pick<Session, 'db'>): Promise<string> {
  return (await readDefaults(s)).currency ?? 'USD';
}

export function parseCurrencyCode(text: string): string {
  const c = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(c)) throw new UserError(`"${text}" is not a currency code.`, 'Use an ISO 4217 code such as EUR, USD or JPY.', 'invalid_currency');
  return c;
}

/** Validate and store the given defaults (others stay as they are); returns them all. */
export async function writeDefaults(s: Session, input: { currency?: string; timezone?: string; weekStart?: string }): Promise<Defaults> {
  const values: Record<string, string> = {};
  if (input.currency !== undefined) values[KEYS.currency] = parseCurrencyCode(input.currency);
  if (input.timezone !== undefined) values[KEYS.timezone] = validateTimeZone(input.timezone) ?? 'UTC';
  if (input.weekStart !== undefined) values[KEYS.weekStart] = WEEK_DAYS[(parseWeekStart(input.weekStart) ?? 1) - 1]!;
  if (Object.keys(values).length) {
    await writeTransaction(s.db, async (trx) => {
      const before = await trx.selectFrom('settings').selectAll().where('key', 'in', Object.keys(values)).execute();
      for (const [key, value] of Object.entries(values)) {
        await trx.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
      }
      const changes = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [before.find((b) => b.key === k)?.value ?? null, v] as [unknown, unknown]]));
      await recordAudit(trx, { entity: 'settings', entityId: 0, action: 'update', changes, actor: s.actor, at: nowIso(s) });
    });
  }
  return readDefaults(s);
}

/** Store one setting (validated by its owner, e.g. the support address of crm mail import), audited like the defaults. */
export async function writeDefaultsKey(s: Session, key: string, value: string): Promise<void> {
  await writeTransaction(s.db, async (trx) => {
    const before = await trx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    if (before?.value === value) return;
    await trx.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    await recordAudit(trx, { entity: 'settings', entityId: 0, action: 'update', changes: { [key]: [before?.value ?? null, value] }, actor: s.actor, at: nowIso(s) });
  });
}

/** Remove one setting (writeDefaultsKey's other half), audited like the defaults; false when it was not set. */
export async function deleteDefaultsKey(s: Session, key: string): Promise<boolean> {
  return writeTransaction(s.db, async (trx) => {
    const before = await trx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    if (!before) return false;
    await trx.deleteFrom('settings').where('key', '=', key).execute();
    await recordAudit(trx, { entity: 'settings', entityId: 0, action: 'update', changes: { [key]: [before.value, null] }, actor: s.actor, at: nowIso(s) });
    return true;
  });
}
