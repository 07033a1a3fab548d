import type { Command } from 'commander';
import { customFieldRows } from '../custom-fields.js';
import type { CliContext } from '../../context.js';
import { installedProducts, purchaseHistory } from '../../domain/purchases.js';
import { todayIn } from '../../domain/board.js';
import { installedView, purchaseSections } from '../sales/views.js';
import { addCompany, editCompany, listCompanies, setCompanyArchived, showCompany } from '../../domain/companies.js';
import { peopleOfCompany } from '../../domain/memberships.js';
import { timelineFor } from '../../domain/timeline.js';
import { timelineOption, timelineSection } from '../activity/timeline.js';
import { listDeals } from '../../domain/deals.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { collect, effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { membershipPersonView } from '../contact/views.js';
import { dealListView } from '../deal/views.js';
import { sessionOf } from '../session.js';
import { companyFieldOptions, companyInputFrom, type CompanyFlagValues } from './options.js';
import { companyFields, companyListView } from './views.js';

export function register(noun: Command, ctx: CliContext): void {
  const add = companyFieldOptions(noun.command('add').description('add a company').argument('<name>', 'company name'))
    .option('--tag <tag>', 'tag (repeatable)', collect)
    .option('--allow-duplicate', 'add even if a company with this name exists');
  examples(add, ['crm company add "Acme Ltd" --domain acme.example', 'crm company add "Globex GmbH" --city Berlin --country Germany --tier A --tag distributor']);
  add.action(async (name: string, o: CompanyFlagValues & { tag?: string[]; allowDuplicate?: boolean }) => {
    const record = await addCompany(sessionOf(ctx), { ...companyInputFrom(o), name, tags: o.tag }, { allowDuplicate: o.allowDuplicate });
    printCreated(ctx.out, record.id, record);
    info(ctx.io, `Added company #${record.id} ${record.name}`);
  });

  const list = noun
    .command('list')
    .alias('ls')
    .description('list companies matching a filter (crm help filters)')
    .argument('[filter...]', 'filter terms, e.g. country:germany tier:a')
    .option('--limit <n>', 'at most n rows', positiveInt('--limit'))
    .option('--all', 'no row limit')
    .option('--archived', 'list archived companies instead');
  examples(list, ['crm company list', 'crm company list country:japan +distributor', 'crm company list acme --json']);
  list.action(async (filter: string[], o: { limit?: number; all?: boolean; archived?: boolean }) => {
    const limit = effectiveLimit(ctx, o.limit, o.all);
    const { rows, total } = await listCompanies(sessionOf(ctx), { filter, limit, archived: o.archived });
    printList(ctx.out, companyListView, rows, { emptyMessage: 'No companies match.' });
    noteTruncated(ctx, rows.length, total, 'companies');
  });

  const show = timelineOption(noun.command('show').description('show a company, its people and its timeline').argument('<company>', 'id or unique name'));
  examples(show, ['crm company show 3', 'crm company show "Acme Ltd" --timeline-limit 50', 'crm company show "Acme Ltd" --json']);
  show.action(async (ref: string, o: { timelineLimit?: number }) => {
    const s = sessionOf(ctx);
    const record = await showCompany(s, ref);
    const people = await peopleOfCompany(s, record.id);
    const deals = (await listDeals(s, { companyId: record.id })).rows;
    const timeline = await timelineFor(s, { companyId: record.id }, { limit: o.timelineLimit });
    const purchases = await purchaseHistory(s.db.kysely, { companyId: record.id });
    const installed = await installedProducts(s.db.kysely, record.id, todayIn(s.now(), s.timeZone));
    printRecord(ctx.out, { ...record, people, deals, purchases, installed, timeline }, [...companyFields, ...(await customFieldRows(s, 'company', record))], [
      { title: 'People', view: membershipPersonView, rows: people },
      { title: 'Deals', view: dealListView.filter((c) => c.key !== 'company' && c.key !== 'tags'), rows: deals },
      ...purchaseSections(purchases),
      ...(installed.length ? [{ title: 'Installed products', view: installedView, rows: installed }] : []),
      { title: 'Notes', text: record.notes ?? '' },
      ...(o.timelineLimit === 0 ? [] : [timelineSection(timeline)]),
    ]);
  });

  const edit = companyFieldOptions(noun.command('edit').description('change a company (only the fields you give)').argument('<company>', 'id or unique name'))
    .option('--name <name>', 'new name')
    .option('--add-tag <tag>', 'add a tag', collect)
    .option('--remove-tag <tag>', 'remove a tag', collect)
    .option('--if-version <n>', 'refuse if the company is no longer at this version (optimistic locking)', positiveInt('--if-version'));
  examples(edit, ['crm company edit 3 --tier A --add-tag key-account', 'crm company edit "Acme Ltd" --owner sara', 'crm company edit 3 --tier B --if-version 4   # fails if someone changed it since version 4']);
  edit.action(async (ref: string, o: CompanyFlagValues & { name?: string; addTag?: string[]; removeTag?: string[]; ifVersion?: number }) => {
    const { ifVersion, ...flags } = o;
    const input = { ...companyInputFrom(flags), addTags: o.addTag, removeTags: o.removeTag };
    if (Object.values(input).every((v) => v === undefined)) throw new UsageError('Nothing to change.', `Give a field to change, e.g. crm company edit ${ref} --tier A`);
    const record = await editCompany(sessionOf(ctx), ref, input, ifVersion);
    printChanged(ctx.out, record);
    info(ctx.io, `Updated company #${record.id} ${record.name}`);
  });

  for (const [verb, archived, text] of [
    ['archive', true, 'archive a company (hidden from lists; nothing is deleted)'],
    ['restore', false, 'bring an archived company back'],
  ] as const) {
    noun
      .command(verb)
      .description(text)
      .argument('<company>', 'id or name')
      .action(async (ref: string) => {
        const record = await setCompanyArchived(sessionOf(ctx), ref, archived);
        printChanged(ctx.out, record);
        info(ctx.io, `${archived ? 'Archived' : 'Restored'} company #${record.id} ${record.name}`);
      });
  }
}
