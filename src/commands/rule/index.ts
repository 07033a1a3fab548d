/** `crm rule add|list|show|edit|enable|disable|remove|history|apply|export|test`: automation rules (crm help automation). */
import { readFileSync } from 'node:fs';
import * as YAML from 'yaml';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { collect, examples, positiveInt } from '../common.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { sessionOf } from '../session.js';
import type { RuleRecord, FiringRecord } from '../../automation/rules.js';

const ruleView: ListView<RuleRecord> = [
  { key: 'name', label: 'Name' },
  { key: 'enabled', label: 'Enabled', format: 'bool' },
  { key: 'on', label: 'On', maxWidth: 40 },
  { key: 'condition', label: 'If', maxWidth: 30 },
  { key: 'actions', label: 'Actions', maxWidth: 50 },
  { key: 'firings', label: 'Fired', format: 'int' },
  { key: 'lastFiredAt', label: 'Last fired', format: 'age' },
];

const firingView: ListView<FiringRecord> = [
  { key: 'at', label: 'At', format: 'datetime' },
  { key: 'record', label: 'Record' },
  { key: 'outcome', label: 'Outcome', maxWidth: 40 },
  { key: 'actions', label: 'Actions', format: 'list', maxWidth: 60 },
  { key: 'occurrence', label: 'Occurrence', maxWidth: 40 },
  // A run action's output: its last line here; all of it (64 KB per stream) in --json.
  { key: 'output', label: 'Output', maxWidth: 40, get: (f) => lastLine(f.output) },
];

function lastLine(output: FiringRecord['output']): string {
  const last = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
  return output.map((o) => last(o.stdout) ?? last(o.stderr) ?? '').filter(Boolean).join(' | ');
}

interface RuleFlags {
  on?: string;
  stage?: string;
  for?: string;
  within?: string;
  target?: string;
  cron?: string;
  timezone?: string;
  if?: string;
  description?: string;
  notify?: string[];
  title?: string;
  message?: string;
  task?: string;
  taskFor?: string;
  taskDue?: string;
  assign?: string;
  set?: string[];
  tag?: string;
  email?: string;
  run?: string;
  enable?: boolean;
}

function ruleOptions(cmd: Command): Command {
  return cmd
    .option('--on <trigger>', 'event (deal.stage_changed, ticket.created …) or time trigger (ticket.unassigned, sla.due, schedule …)')
    .option('--stage <stage>', 'deal.stage_changed: only moves into this stage')
    .option('--for <duration>', 'time triggers: how long (30m, 4h, 330d)')
    .option('--within <duration>', 'sla.due: how far ahead')
    .option('--target <target>', 'sla.due / sla.breached: first_reply | next_reply | resolution')
    .option('--cron <expr>', 'schedule: cron expression, e.g. "0 8 * * mon-fri"')
    .option('--timezone <zone>', 'schedule: time zone of the cron expression (default: yours)')
    .option('--if <filter>', "condition on the record, in the filter language: 'amount:>=10000 +vip'")
    .option('--description <text>', 'what the rule is for')
    .option('--notify <who>', 'notify: owner, manager, assignee, user:H, role:R, team:T (repeatable, comma lists)', collect)
    .option('--title <text>', 'notification title (merge fields: {{record}}, {{deal.title}} …)')
    .option('--message <text>', 'notification text (merge fields)')
    .option('--task <title>', 'create a task with this title')
    .option('--task-for <who>', 'the task is for: owner (default), assignee or a handle')
    .option('--task-due <duration>', 'the task is due this long after the firing (3d, 4h)')
    .option('--assign <who>', 'assign the ticket: a handle, "least-loaded role:agent team:T", "round-robin team:T"')
    .option('--set <field=value>', 'set a field (repeatable)', collect)
    .option('--tag <tags>', 'add / remove tags: "+escalated -waiting"')
    .option('--email <template>', "render a template and log it as an email to the record's contact")
    .option('--run <command>', 'run a command an admin configured (crm automate command set NAME -- …) with the event as JSON on stdin (admin only)');
}

/** The rule keys the flags give (actions only when an action flag is present). */
function fromFlags(o: RuleFlags): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  const keys: [keyof RuleFlags, string][] = [['on', 'on'], ['stage', 'stage'], ['for', 'for'], ['within', 'within'], ['target', 'target'], ['cron', 'cron'], ['timezone', 'timezone'], ['if', 'if'], ['description', 'description']];
  for (const [flag, key] of keys) if (o[flag] !== undefined) def[key] = o[flag];
  const actions: Record<string, unknown>[] = [];
  if (o.notify?.length) actions.push({ notify: o.notify.join(','), ...(o.title ? { title: o.title } : {}), ...(o.message ? { message: o.message } : {}) });
  else if (o.title || o.message) throw new UsageError('--title and --message belong to --notify.', 'e.g. --notify owner --message "{{record}} needs you"');
  if (o.task) actions.push({ task: o.task, ...(o.taskFor ? { for: o.taskFor } : {}), ...(o.taskDue ? { due: o.taskDue } : {}) });
  if (o.assign) actions.push({ assign: o.assign });
  const set = parseSetFlags(o.set);
  if (set) actions.push({ set });
  if (o.tag) actions.push({ tag: o.tag });
  if (o.email) actions.push({ email: o.email });
  if (o.run) actions.push({ run: o.run });
  if (actions.length) def.actions = actions;
  return def;
}


export function register(noun: Command, ctx: CliContext): void {
  const add = ruleOptions(noun.command('add').description('add a rule (disabled until crm rule enable NAME, or --enable)').argument('<name>', 'rule name (letters, digits, _ . -)')).option('--enable', 'enable it at once');
  examples(add, [
    "crm rule add big-quote --on deal.stage_changed --stage quote --if 'amount:>=10000' --notify role:manager,role:stock-control --message '{{deal.title}}: {{deal.amount}}'",
    "crm rule add lost-review --on deal.lost --task 'Review {{deal.title}}' --task-due 90d",
    "crm rule add unassigned --on ticket.unassigned --for 30m --assign 'least-loaded role:agent team:Support' --enable",
    'crm rule add won-to-erp --on deal.won --run erp --enable   # erp: crm automate command set erp -- /opt/erp/new-order',
    'crm rule enable big-quote',
  ]);
  add.action(async (name: string, o: RuleFlags) => {
    const { addRule } = await import('../../automation/rules.js');
    const r = await addRule(sessionOf(ctx), { name, ...fromFlags(o), ...(o.enable ? { enabled: true } : {}) });
    printCreated(ctx.out, r.name, r);
    info(ctx.io, `Added rule ${r.name} (${r.enabled ? 'enabled' : `disabled — enable it: crm rule enable ${r.name}`})`);
  });

  const list = noun.command('list').alias('ls').description('list the rules, enabled or not, with how often each fired');
  list.action(async () => {
    const { listRules } = await import('../../automation/rules.js');
    printList(ctx.out, ruleView, await listRules(sessionOf(ctx)), { emptyMessage: 'No rules. Add one: crm rule add NAME --on … (crm help automation)' });
  });

  const show = noun.command('show').description('show a rule').argument('<name>', 'rule name or id');
  show.action(async (name: string) => {
    const { getRule } = await import('../../automation/rules.js');
    const r = await getRule(sessionOf(ctx), name);
    printRecord(ctx.out, r, [{ key: 'id', label: 'ID', format: 'int' }, ...ruleView, { key: 'description', label: 'Description' }, { key: 'createdAt', label: 'Created', format: 'datetime' }, { key: 'updatedAt', label: 'Updated', format: 'datetime' }]);
  });

  const edit = ruleOptions(noun.command('edit').description('change a rule: the keys given replace the stored ones (any action flag replaces all actions)').argument('<name>', 'rule name or id')).option('--rename <name>', 'new name');
  examples(edit, ["crm rule edit big-quote --if 'amount:>=20000'", 'crm rule edit big-quote --notify role:manager --message "{{record}} reached Quote"']);
  edit.action(async (name: string, o: RuleFlags & { rename?: string }) => {
    const { editRule } = await import('../../automation/rules.js');
    const patch = fromFlags(o);
    if (o.rename) patch.name = o.rename;
    if (!Object.keys(patch).length) throw new UsageError('Nothing to change: give --if, --on, --notify …', `crm rule edit ${name} --help`);
    const r = await editRule(sessionOf(ctx), name, patch);
    printChanged(ctx.out, r);
    info(ctx.io, `Changed rule ${r.name}`);
  });

  for (const [verb, on] of [['enable', true], ['disable', false]] as const) {
    const c = noun.command(verb).description(`${verb} a rule`).argument('<name>', 'rule name or id');
    c.action(async (name: string) => {
      const { setRuleEnabled } = await import('../../automation/rules.js');
      const r = await setRuleEnabled(sessionOf(ctx), name, on);
      printChanged(ctx.out, r);
      info(ctx.io, `${on ? 'Enabled' : 'Disabled'} rule ${r.name}${on ? ' — crm automate run (cron, every minute) fires it' : ''}`);
    });
  }

  const remove = noun.command('remove').alias('rm').description('remove a rule and its firing history (the audit log keeps them)').argument('<name>', 'rule name or id');
  remove.action(async (name: string) => {
    const { removeRule } = await import('../../automation/rules.js');
    const r = await removeRule(sessionOf(ctx), name);
    printChanged(ctx.out, r);
    info(ctx.io, `Removed rule ${r.name}`);
  });

  const history = noun.command('history').description('when a rule fired, on which record, what it did').argument('<name>', 'rule name or id').option('--limit <n>', 'at most n firings', positiveInt('--limit'));
  history.action(async (name: string, o: { limit?: number }) => {
    const { ruleHistory } = await import('../../automation/rules.js');
    printList(ctx.out, firingView, await ruleHistory(sessionOf(ctx), name, o.limit), { emptyMessage: 'It has not fired yet.' });
  });

  const apply = noun.command('apply').description('add or update the rules of a YAML file (applying it twice changes nothing)').argument('<file>', 'rules file (YAML: a list of rules, or rules: [...])');
  examples(apply, ['crm rule export > rules.yaml', 'crm rule apply rules.yaml']);
  apply.action(async (file: string) => {
    let doc: unknown;
    try {
      doc = YAML.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UserError(err.code === 'ENOENT' ? `No file ${file}.` : `${file} is not valid YAML: ${err.message.split('\n')[0]}`, 'See the format: crm rule export');
    }
    const items = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { rules?: unknown }).rules) ? (doc as { rules: unknown[] }).rules : null;
    if (!items) throw new UserError(`${file} holds no list of rules.`, 'A rules file is a YAML list of rules, or rules: [...] (crm rule export shows one).');
    const { applyRules } = await import('../../automation/rules.js');
    const outcome = await applyRules(sessionOf(ctx), items);
    printList(ctx.out, [{ key: 'name', label: 'Rule' }, { key: 'outcome', label: 'Outcome' }], outcome);
    const n = (k: string) => outcome.filter((x) => x.outcome === k).length;
    info(ctx.io, `${file}: ${n('created')} created, ${n('updated')} updated, ${n('unchanged')} unchanged`);
  });

  const exp = noun.command('export').description('print every rule as a YAML rules file (for git; crm rule apply reads it back)');
  exp.action(async () => {
    const { listRules } = await import('../../automation/rules.js');
    const { canonical } = await import('../../automation/definition.js');
    const rules = (await listRules(sessionOf(ctx))).map((r) => canonical({ ...r.definition, enabled: r.enabled }));
    emit(ctx.out, YAML.stringify({ rules }, { lineWidth: 0 }));
  });

  const test = noun.command('test').description('whether a rule would fire now, and why (writes nothing)').argument('<name>', 'rule name or id').option('--record <id>', 'the record to test it on (a time rule without it: every record due now)', positiveInt('--record'));
  examples(test, ['crm rule test big-quote --record 12', 'crm rule test unassigned']);
  test.action(async (name: string, o: { record?: number }) => {
    const { getRule } = await import('../../automation/rules.js');
    const { testRule } = await import('../../automation/engine.js');
    const s = sessionOf(ctx);
    const r = await getRule(s, name);
    const rows = await testRule(s, { id: r.id, name: r.name, trigger: r.definition.on, def: r.definition }, o.record);
    printList(ctx.out, [{ key: 'record', label: 'Record' }, { key: 'fires', label: 'Fires', format: 'bool' }, { key: 'why', label: 'Why', maxWidth: 60 }, { key: 'actions', label: 'Would do', format: 'list', maxWidth: 60 }], rows, { emptyMessage: o.record === undefined ? `Nothing is due for ${r.name} now; name a record: crm rule test ${r.name} --record ID` : undefined });
    if (!r.enabled) info(ctx.io, `Rule ${r.name} is disabled: enable it with crm rule enable ${r.name}`);
  });
}
