import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listQuotas, removeQuota, setQuota, type QuotaRecord } from '../../domain/quotas.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const view: ListView<QuotaRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'owner', label: 'Owner' },
  { key: 'period', label: 'Period' },
  { key: 'amount', label: 'Amount', format: 'money' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('sales quotas per owner and period (used by crm report quota and forecast)');
  const set = noun
    .command('set')
    .description('set (or replace) the quota of an owner for a month, quarter or year')
    .argument('<owner>', 'handle, name or id')
    .argument('<period>', '2026-11, 2026-Q4 or 2026')
    .argument('<amount>', 'e.g. 120000 or 120000.50')
    .option('--currency <code>', 'ISO currency', 'USD');
  examples(set, ['crm quota set sara 2026-Q4 120000 --currency EUR', 'crm quota set kenji 2026-11 40000']);
  set.action(async (owner: string, period: string, amount: string, o: { currency: string }) => {
    const q = await setQuota(sessionOf(ctx), owner, period, amount, o.currency);
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
    info(ctx.io, `Removed ${n} quota(s) of ${owner} for ${period.toUpperCase()}`);
  });
}
