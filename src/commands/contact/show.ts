import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showContact } from '../../domain/contacts.js';
import { timelineFor } from '../../domain/timeline.js';
import { listDeals } from '../../domain/deals.js';
import { purchaseHistory } from '../../domain/purchases.js';
import { purchaseSections } from '../sales/views.js';
import { printRecord, type Section } from '../../output/render.js';
import { timelineOption, timelineSection } from '../activity/timeline.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { dealListView } from '../deal/views.js';
import { contactFields, membershipCompanyView } from './views.js';
import { companiesOfContact } from '../../domain/memberships.js';
import { customFieldRows } from '../custom-fields.js';
import { psychNotesOf, type PsychNoteRecord } from '../../domain/psych-notes.js';
import type { ListView } from '../../output/columns.js';

const psychNoteView: ListView<PsychNoteRecord> = [
  { key: 'createdAt', label: 'When', format: 'datetime' },
  { key: 'author', label: 'By' },
  { key: 'body', label: 'Note' },
];

export async function run(ctx: CliContext, ref: string, o: { timelineLimit?: number } = {}): Promise<void> {
  const s = sessionOf(ctx);
  const record = await showContact(s, ref);
  const deals = (await listDeals(s, { contactId: record.id })).rows;
  const timeline = await timelineFor(s, { contactId: record.id }, { limit: o.timelineLimit });
  const psychNotes = await psychNotesOf(s.db, record.id);
  const purchases = await purchaseHistory(s.db.kysely, { contactId: record.id });
  const companies = await companiesOfContact(s, record.id);
  const sections: Section[] = [
    // Psychological notes first: how to deal with this person, before what there is to deal about.
    ...(psychNotes.length ? [{ title: 'Psychological notes', view: psychNoteView, rows: psychNotes }] : []),
    ...(companies.length ? [{ title: 'Companies', view: membershipCompanyView, rows: companies }] : []),
    { title: 'Deals', view: dealListView.filter((c) => c.key !== 'tags'), rows: deals },
    ...purchaseSections(purchases),
    { title: 'Notes', text: record.notes ?? '' },
  ];
  if (o.timelineLimit !== 0) sections.push(timelineSection(timeline));
  printRecord(ctx.out, { ...record, psychNotes, companies, deals, purchases, timeline }, [...contactFields, ...(await customFieldRows(s, 'contact', record))], sections);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = timelineOption(parent.command('show').description('show one contact and its timeline (activities, deal moves, ticket events)').argument('<contact>', 'id, email or unique name'));
  examples(cmd, ['crm contact show 12', 'crm contact show sara@example.com --timeline-limit 50', 'crm contact show "Sara Rahimi" --json']);
  cmd.action((ref: string, o: { timelineLimit?: number }) => run(ctx, ref, o));
}
