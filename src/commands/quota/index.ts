import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listQuotas, removeQuota, setQuota, type QuotaRecord } from '../../domain/quotas.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { plural } from '../../output/plural.js';

const view: ListView<QuotaRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'owner', label: 'Owner' },
  { key: 'period', label: 'Period' },
  { key: 'amount', label: 'Amount', format: 'money' },
];

/** A value given either as an argument or as a flag, not both and not neither. */
function one(name: string, arg: string | undefined, flag: string | undefined): string {
  if (arg !== undefined && flag !== undefined) throw new UsageError(`Give the ${name} once: as an argument or as --${name}.`);
  const v = arg ?? flag;
  if (v === undefined) throw new UsageError(`Missing the ${name}.`, 'crm quota set --owner sara --period 2026-Q4 --amount "50000 EUR"');
  return v;
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('sales quotas per owner and period (used by crm report quota and forecast)');
  const set = noun
    .command('set')
    .description('set (or replace) the quota of an owner for a month, quarter or year')
    .argument('[owner]', 'handle, name or id (or --owner)')
    .argument('[period]', '2026-11, 2026-Q4 or 2026 (or --period)')
    .argument('[amount]', 'e.g. 120000, "50000 EUR", "€50.000" with --locale de (or --amount)')
    .option('--owner <user>', 'the owner (handle, name or id)')
    .option('--period <period>', '2026-11, 2026-Q4 or 2026')
    .option('--amount <amount>', 'the target, with or without a currency')
    .option('--currency <code>', 'ISO currency of a bare amount (default USD)')
    .option('--locale <locale>', 'read the amount separators as in this locale (de: 50.000,00)');
  examples(set, ['crm quota set --owner sara --period 2026-Q4 --amount "50000 EUR"', 'crm quota set sara 2026-Q4 120000 --currency EUR', 'crm quota set kenji 2026-11 40000']);
  set.action(async (ownerArg: string | undefined, periodArg: string | undefined, amountArg: string | undefined, o: { owner?: string; period?: string; amount?: string; currency?: string; locale?: string }) => {
    const owner = one('owner', ownerArg, o.owner);
    const period = one('period', periodArg, o.period);
    const amount = one('amount', amountArg, o.amount);
    const q = await setQuota(sessionOf(ctx), owner, period, amount, o.currency, o.locale);
    printCreated(ctx.out, q.id, q);
    info(ctx.io, `Quota of ${q.owner} for ${q.period}: ${q.amount.format()}`);
  });
  const list = noun.command('list').alias('ls').description('list quotas').option('--owner <user>', 'only this owner').option('--period <period>', 'only this period');
  examples(list, ['crm quota list', 'crm quota list --period 2026-Q4 --json']);
  list.action(async (o: { owner?: string; period?: string }) => {
    printList(ctx.out, view, await listQuotas(sessionOf(ctx), o), { emptyMessage: 'No quotas yet: crm quota set OWNER 2026-Q4 AMOUNT' });
  });
  const remove = noun.command('remove').alias('rm').description('remove the quota of an owner for a period').argument('<owner>').argument('<period>');
  remove.action(async (owner: string, period: string) => {
    const n = await removeQuota(sessionOf(ctx), owner, period);
    info(ctx.io, `Removed ${plural(n, 'quota')} of ${owner} for ${period.toUpperCase()}`);
  });
}
