/**
 * Every top-level noun, with a one-line summary for `crm --help`. A noun's module is loaded
 * only when the command line names it, so start-up stays small. Add new nouns here.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** What the command line says below the noun, for a noun that loads its verbs lazily. */
export interface NounInvocation {
  /**
   * The verb commander will dispatch to, when argv shows it plainly: the operand right after the
   * noun, with only global options before it. Undefined otherwise (no verb, --help, another
   * option first, `--`): the noun must then register every verb, as help and "did you mean" need.
   * It may also name no verb of this noun (a typo), so check it against your own list.
   */
  verb: string | undefined;
}

export interface NounModule {
  register(noun: Command, ctx: CliContext, invocation: NounInvocation): void | Promise<void>;
}

export interface NounEntry {
  name: string;
  aliases?: string[];
  summary: string;
  load: () => Promise<NounModule>;
}

export const nouns: NounEntry[] = [
  { name: 'contact', aliases: ['contacts'], summary: 'People: add, list, show, edit, find, merge, archive', load: () => import('./contact/index.js') },
  { name: 'lead', aliases: ['leads'], summary: 'Leads: grade, status, disqualify, convert into a deal (crm help lifecycle)', load: () => import('./lead/index.js') },
  { name: 'company', aliases: ['companies'], summary: 'Companies (accounts) and their people', load: () => import('./company/index.js') },
  { name: 'log', summary: 'Log a call, meeting, email, note or touch: crm log call bob@example.com "…"', load: () => import('./log/index.js') },
  { name: 'task', aliases: ['tasks'], summary: 'Tasks and follow-ups: add, list, done, snooze, export --ics', load: () => import('./task/index.js') },
  { name: 'agenda', summary: 'Overdue, today and upcoming tasks and meetings', load: () => import('./agenda/index.js') },
  { name: 'activity', aliases: ['activities'], summary: 'Logged activities: list, show, edit, delete', load: () => import('./activity/index.js') },
  { name: 'template', aliases: ['templates'], summary: 'Email templates with merge fields: add, list, render --log', load: () => import('./template/index.js') },
  { name: 'deal', aliases: ['deals'], summary: 'Deals: add, list, show, edit, move, win, lose, reopen', load: () => import('./deal/index.js') },
  { name: 'pipeline', aliases: ['pipelines'], summary: 'The pipeline per stage (totals, weighted); pipeline add|list', load: () => import('./pipeline/index.js') },
  { name: 'stage', aliases: ['stages'], summary: 'Pipeline stages: list, add, edit, reorder, archive', load: () => import('./stage/index.js') },
  { name: 'field', aliases: ['fields'], summary: 'Typed custom fields per entity: add, list, edit, remove, enable', load: () => import('./field/index.js') },
  { name: 'segment', aliases: ['segments'], summary: 'Saved filters: segment add NAME \'filter…\', then segment:NAME anywhere', load: () => import('./segment/index.js') },
  { name: 'user', aliases: ['users'], summary: 'Users and their roles (crm help roles), logins, time zones', load: () => import('./user/index.js') },
  { name: 'quota', aliases: ['quotas'], summary: 'Sales quotas per owner and period', load: () => import('./quota/index.js') },
  { name: 'import', summary: 'Import CSV files; re-runnable, with --dry-run, history and undo', load: () => import('./import/index.js') },
  { name: 'export', summary: 'Export records as CSV, JSON or NDJSON', load: () => import('./export/index.js') },
  { name: 'ticket', aliases: ['tickets'], summary: 'Support tickets: open, reply, pending, solve — with SLA clocks', load: () => import('./ticket/index.js') },
  { name: 'mail', summary: 'Mail in: import .eml, mbox or Maildir into tickets, replies and email activities', load: () => import('./mail/index.js') },
  { name: 'queue', summary: 'Your ticket queue, most urgent first (--all for everyone)', load: () => import('./queue/index.js') },
  { name: 'kb', summary: 'Knowledge base: Markdown articles, versions, search, public HTML export', load: () => import('./kb/index.js') },
  { name: 'problem', aliases: ['problems'], summary: 'Problems (root causes): link many tickets, track to a fix', load: () => import('./problem/index.js') },
  { name: 'sla', summary: 'SLA policies: targets for first reply, next reply, resolution', load: () => import('./sla/index.js') },
  { name: 'calendar', aliases: ['calendars'], summary: 'Business calendars: hours per weekday, holidays, time zone', load: () => import('./calendar/index.js') },
  { name: 'campaign', aliases: ['campaigns'], summary: 'Marketing campaigns: cost, goal, leads, deals won, ROI', load: () => import('./campaign/index.js') },
  { name: 'fx', summary: 'Exchange rates: set, import, list, convert (reports take --in CUR)', load: () => import('./fx/index.js') },
  { name: 'config', summary: 'Database defaults: home currency, time zone, week start (get, set, list)', load: () => import('./config/index.js') },
  { name: 'product', aliases: ['products'], summary: 'The product catalogue: SKU, prices per currency, tax, warranty', load: () => import('./product/index.js') },
  { name: 'quote', aliases: ['quotes'], summary: 'Quotes from deals: create, send, accept (→ order), revise, render', load: () => import('./quote/index.js') },
  { name: 'order', aliases: ['orders'], summary: 'Sales orders: list, show, edit, fulfil, cancel', load: () => import('./order/index.js') },
  { name: 'invoice', aliases: ['invoices'], summary: 'Invoices from orders: create, pay, list --overdue', load: () => import('./invoice/index.js') },
  { name: 'contract', aliases: ['contracts'], summary: 'Contracts: company, start, end, renewal date, value, linked order', load: () => import('./contract/index.js') },
  { name: 'report', aliases: ['reports'], summary: 'Reports and KPIs (--json, --explain, --as-of)', load: () => import('./report/index.js') },
  { name: 'tui', summary: 'Full-screen app: pipeline board, support queue, contacts, agenda', load: () => import('./tui/index.js') },
  { name: 'rule', aliases: ['rules'], summary: 'Automation rules: add, list, enable, apply rules.yaml, test, history', load: () => import('./rule/index.js') },
  { name: 'automate', summary: 'Run due automation rules (cron: * * * * * crm automate run)', load: () => import('./automate/index.js') },
  { name: 'inbox', summary: 'Your notifications from rules: inbox, inbox read ID|--all, inbox show ID', load: () => import('./inbox/index.js') },
  { name: 'history', summary: 'The audit log of one record: crm history contact 12', load: () => import('./history/index.js') },
  { name: 'whoami', summary: 'Who you are acting as: user, role, team, time zone, database', load: () => import('./whoami/index.js') },
  { name: 'init', summary: 'Create the database file (the same as crm db init)', load: () => import('./init/index.js') },
  { name: 'db', summary: 'Database: init, backup, restore, check, vacuum, status, migrate, copy', load: () => import('./db/index.js') },
  { name: 'demo', summary: 'Create a realistic demo database and show a tour', load: () => import('./demo/index.js') },
  { name: 'help', summary: 'Help on a command or topic: crm help filters | lifecycle', load: () => import('./help/index.js') },
];

export function findNoun(token: string | undefined): NounEntry | undefined {
  if (!token) return undefined;
  return nouns.find((n) => n.name === token || n.aliases?.includes(token));
}
