/** `crm campaign add|list|show|edit`: marketing campaigns and what they brought in. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addCampaign, campaignAudience, editCampaign, getCampaign, listCampaigns, toCampaignRecord, type CampaignInput, type CampaignRecord } from '../../domain/campaigns.js';
import { resolveScope } from '../../reports/scope.js';
import { leadsBySource, wonByCampaign } from '../../reports/sources/query.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { effectiveEnd } from '../../reports/scope.js';
import { CAMPAIGN_FORMULAS, campaignLines, type CampaignLine } from '../../reports/sources/build.js';
import { effectiveLimit, examples, noteTruncated, positiveInt } from '../common.js';
import { contactListView } from '../contact/views.js';
import { sessionOf } from '../session.js';

const goalText = (c: CampaignRecord) => (c.goal ? (typeof c.goal.target === 'number' ? `${c.goal.target} ${c.goal.kind}` : `${c.goal.target.format()} won`) : null);

const listView: ListView<CampaignRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'channel', label: 'Channel' },
  { key: 'startDate', label: 'Start', format: 'date' },
  { key: 'endDate', label: 'End', format: 'date' },
  { key: 'budget', label: 'Budget', format: 'money' },
  { key: 'cost', label: 'Cost', format: 'money' },
  { key: 'goal', label: 'Goal', get: goalText },
];

type Shown = CampaignRecord & { window: string; results: CampaignLine; audienceSize: number | null };

const showView: ListView<Shown> = [
  ...(listView as unknown as ListView<Shown>),
  { key: 'audience', label: 'Audience', get: (r) => (r.audience === null ? null : `${r.audience} (${r.audienceSize ?? 0} contacts now)`) },
  { key: 'window', label: 'Results for' },
  { key: 'leads', label: 'Leads', format: 'int', get: (r) => r.results.leads },
  { key: 'customers', label: 'Customers', format: 'int', get: (r) => r.results.customers },
  { key: 'conversion', label: 'Conversion', format: 'percent', get: (r) => (r.results.conversion === null ? null : Math.round(r.results.conversion * 1000) / 10) },
  { key: 'dealsWon', label: 'Deals won', format: 'int', get: (r) => r.results.dealsWon },
  { key: 'wonValue', label: 'Won value', get: (r) => r.results.wonValue.map((m) => m.format()).join(', ') || '0' },
  { key: 'costPerLead', label: 'Cost per lead', format: 'money', get: (r) => r.results.costPerLead },
  { key: 'roi', label: 'ROI', format: 'percent', get: (r) => (r.results.roi === null ? null : Math.round(r.results.roi * 1000) / 10) },
  { key: 'goalProgress', label: '% of goal', format: 'percent', get: (r) => (r.results.goalProgress === null ? null : Math.round(r.results.goalProgress * 1000) / 10) },
];

interface CampaignFlags {
  channel?: string;
  budget?: string;
  cost?: string;
  currency?: string;
  start?: string;
  end?: string;
  goal?: string;
  audience?: string;
}

function campaignOptions(cmd: Command): Command {
  return cmd
    .option('--channel <channel>', 'email, webinar, ads, event, referral…')
    .option('--budget <amount>', 'planned spend, e.g. "2000 EUR"')
    .option('--cost <amount>', 'actual spend so far, e.g. "1200 EUR" (used for cost per lead and ROI)')
    .option('--currency <code>', 'currency of bare amounts (default: the one written in --cost/--budget, else USD)')
    .option('--start <date>', 'first day (YYYY-MM-DD)')
    .option('--end <date>', 'last day (YYYY-MM-DD)')
    .option('--goal <goal>', '"200 leads", "40 customers", "25 deals" or "50000 EUR" (won value)')
    .option('--audience <filter>', 'the contacts it targets: segment:NAME or any contact filter ("none" clears)');
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('marketing campaigns: cost, goal, leads, deals won, ROI');

  const add = campaignOptions(noun.command('add').description('add a campaign').argument('<name>', 'unique name; contacts with this source count as its leads'));
  examples(add, ['crm campaign add "Spring webinar" --channel webinar --cost "1200 EUR" --goal "200 leads" --start 2026-03-01 --end 2026-03-31', 'crm contact add "Ana Lima" --email ana@example.com --source "Spring webinar"', 'crm deal add "Acme pilot" --amount "5000 EUR" --campaign "Spring webinar"']);
  add.action(async (name: string, o: CampaignFlags) => {
    const c = await addCampaign(sessionOf(ctx), { ...o, name });
    printCreated(ctx.out, c.id, c);
    info(ctx.io, `Added campaign #${c.id} ${c.name}`);
  });

  const list = noun.command('list').alias('ls').description('list campaigns').option('--all', 'include archived campaigns');
  examples(list, ['crm campaign list', 'crm campaign list --json', 'crm report sources --by campaign   results per campaign']);
  list.action(async (o: { all?: boolean }) => {
    printList(ctx.out, listView, await listCampaigns(sessionOf(ctx), o), { emptyMessage: 'No campaigns yet: crm campaign add "NAME" --cost "1200 EUR"' });
  });

  const show = noun
    .command('show')
    .description('show a campaign and its results (all time, or for a period)')
    .argument('<campaign>', 'id or name')
    .option('--period <period>', 'results for a period: 2026-Q4, 2026-11, 2026-W47, 2026')
    .option('--from <date>', 'results from this day')
    .option('--to <date>', 'results up to this day')
    .option('--explain', 'print the formulas used');
  examples(show, ['crm campaign show "Spring webinar"', 'crm campaign show 2 --period 2026-Q1 --json']);
  show.action(async (ref: string, o: { period?: string; from?: string; to?: string; explain?: boolean }) => {
    const s = sessionOf(ctx);
    const row = await getCampaign(s, ref);
    const campaign = toCampaignRecord(row);
    const allTime = !o.period && !o.from && !o.to;
    const scope = await resolveScope(s, { period: o.period, from: allTime ? '1970-01-01' : o.from, to: o.to }, 'quarter');
    const end = effectiveEnd(scope);
    const [leads, won] = await Promise.all([leadsBySource(s.db, scope, scope.period.start, end), wonByCampaign(s.db, scope, scope.period.start, end)]);
    const results = campaignLines([campaign], leads, won)[0]!;
    const audienceSize = campaign.audience ? (await campaignAudience(s, String(campaign.id), { limit: 1 })).result.total : null;
    const shown: Shown = { ...campaign, window: allTime ? 'all time' : scope.period.label, results, audienceSize };
    printRecord(ctx.out, shown, showView, o.explain ? [{ title: 'How the results are computed', text: CAMPAIGN_FORMULAS.join('\n') }] : []);
  });

  const audience = noun
    .command('audience')
    .description("the contacts a campaign targets (its --audience: a segment or a filter), as contact list prints them")
    .argument('<campaign>', 'id or name')
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all when piped)', positiveInt('--limit'))
    .option('--all', 'no row limit');
  examples(audience, ['crm campaign edit "Spring webinar" --audience segment:tehran-retail', 'crm campaign audience "Spring webinar"', 'crm campaign audience 2 --format csv -o invite.csv', 'crm campaign audience 2 --json | jq length']);
  audience.action(async (ref: string, o: { limit?: number; all?: boolean }) => {
    const limit = effectiveLimit(ctx, o.limit, o.all);
    const { campaign, result } = await campaignAudience(sessionOf(ctx), ref, { limit });
    printList(ctx.out, contactListView, result.rows, { emptyMessage: `No contacts match the audience of ${campaign.name} (${campaign.audience}) now.` });
    noteTruncated(ctx, result.rows.length, result.total, 'contacts');
  });

  const edit = campaignOptions(noun.command('edit').description('change a campaign').argument('<campaign>', 'id or name'))
    .option('--name <name>', 'new name (contacts keep their source text: rename it there too)')
    .option('--archive', 'archive (hidden from lists and new deals)')
    .option('--restore', 'restore an archived campaign');
  examples(edit, ['crm campaign edit "Spring webinar" --cost "1450 EUR"', 'crm campaign edit 2 --goal "50 deals"', 'crm campaign edit 2 --archive']);
  edit.action(async (ref: string, o: CampaignInput & { archive?: boolean; restore?: boolean }) => {
    if (o.archive && o.restore) throw new UsageError('Give --archive or --restore, not both.');
    if (Object.values(o).every((v) => v === undefined)) throw new UsageError('Nothing to change.', `e.g. crm campaign edit ${JSON.stringify(ref)} --cost "1450 EUR"`);
    const c = await editCampaign(sessionOf(ctx), ref, o);
    printChanged(ctx.out, c);
    info(ctx.io, `Updated campaign #${c.id} ${c.name}`);
  });
}
