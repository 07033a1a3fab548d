/** `crm contract add|list|show`: contracts after the sale, with renewal dates. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addContract, listContracts, showContract, type ContractInput, type ContractRecord } from '../../domain/contracts.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printCreated, printList, printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

const contractView: ListView<ContractRecord> = [
  { key: 'id', label: 'ID', format: 'int', priority: 0 },
  { key: 'title', label: 'Title', maxWidth: 30, minWidth: 12, priority: 0 },
  { key: 'company', label: 'Company', get: (c) => c.company.name, maxWidth: 24, priority: 1 },
  { key: 'status', label: 'Status', priority: 2 },
  { key: 'startDate', label: 'Start', whole: true, priority: 3 },
  { key: 'endDate', label: 'End', whole: true, priority: 3 },
  { key: 'renewalDate', label: 'Renewal', whole: true, priority: 1 },
  { key: 'value', label: 'Value', format: 'money', priority: 2 },
  { key: 'order', label: 'Order', priority: 4 },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('contracts: company, start, end, renewal date, value, linked order');

  const add = noun
    .command('add')
    .description('add a contract')
    .argument('<title>', 'what the contract is')
    .requiredOption('--company <company>', 'company id or name')
    .requiredOption('--start <date>', 'first day (YYYY-MM-DD)')
    .option('--end <date>', 'last day')
    .option('--renewal <date>', 'renewal (notice) date')
    .option('--value <amount>', 'contract value, e.g. "12000 EUR"')
    .option('--order <order>', 'the sales order it came from')
    .option('--notes <text>', 'notes');
  examples(add, ['crm contract add "Maintenance 2027" --company "Acme GmbH" --start 2027-01-01 --end 2027-12-31 --renewal 2027-10-01 --value "12000 EUR" --order SO-2026-0001']);
  add.action(async (title: string, o: Omit<ContractInput, 'title'>) => {
    const c = await addContract(sessionOf(ctx), { ...o, title });
    printCreated(ctx.out, c.id, c);
    info(ctx.io, `Added contract #${c.id} ${c.title} (${c.company.name})`);
  });

  const list = noun.command('list').alias('ls').description('list contracts').option('--company <company>', "one company's contracts").option('--renewing-within <days>', 'renewal date from today up to N days ahead: 60 or 60d');
  examples(list, ['crm contract list', 'crm contract list --renewing-within 60d --json   # cron: renewals coming up']);
  list.action(async (o: { company?: string; renewingWithin?: string }) => {
    let days: number | undefined;
    if (o.renewingWithin !== undefined) {
      const m = /^(\d{1,4})d?$/.exec(o.renewingWithin.trim());
      if (!m) throw new UsageError(`--renewing-within takes days, not "${o.renewingWithin}".`, 'e.g. --renewing-within 60d');
      days = Number(m[1]);
    }
    printList(ctx.out, contractView, await listContracts(sessionOf(ctx), { company: o.company, renewingWithinDays: days }), { emptyMessage: 'No contracts: crm contract add "TITLE" --company NAME --start YYYY-MM-DD' });
  });

  const show = noun.command('show').description('show a contract').argument('<contract>', 'contract id');
  examples(show, ['crm contract show 1 --json']);
  show.action(async (ref: string) => printRecord(ctx.out, await showContract(sessionOf(ctx), ref), contractView));
}
