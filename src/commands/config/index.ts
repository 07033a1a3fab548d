/**
 * crm config get|set|list: the database's defaults that `crm init` stores (home currency, time
 * zone, week start — the settings table, src/domain/settings.ts). The home currency is the
 * default of the reports' bare --in.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, printList, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

/** The keys as people write them → the Defaults field. */
const KEYS = { currency: 'currency', timezone: 'timezone', 'week-start': 'weekStart' } as const;
type Key = keyof typeof KEYS;

function keyOf(text: string): Key {
  const k = text.trim().toLowerCase().replace(/_/g, '-');
  const alias: Record<string, Key> = { 'time-zone': 'timezone', tz: 'timezone', weekstart: 'week-start' };
  const key = (k in KEYS ? k : alias[k]) as Key | undefined;
  if (!key) throw new UsageError(`No setting "${text}".`, `Settings: ${Object.keys(KEYS).join(', ')}`);
  return key;
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('the database defaults: home currency (the reports\' --in), time zone, week start');
  const get = noun.command('get').description('print one setting').argument('<key>', Object.keys(KEYS).join(' | '));
  examples(get, ['crm config get currency', 'crm config get timezone --json']);
  get.action(async (keyText: string) => {
    const key = keyOf(keyText);
    const { readDefaults } = await import('../../domain/settings.js');
    const value = (await readDefaults(sessionOf(ctx)))[KEYS[key]];
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ key, value }) + '\n');
    else emit(ctx.out, `${value ?? ''}\n`);
  });
  const set = noun.command('set').description('change one setting (an admin\'s job: db.admin)').argument('<key>', Object.keys(KEYS).join(' | ')).argument('<value>');
  examples(set, ['crm config set currency USD', 'crm config set timezone Europe/Berlin', 'crm config set week-start sunday --json']);
  set.action(async (keyText: string, value: string) => {
    const key = keyOf(keyText);
    const { requirePermission } = await import('../identity.js');
    await requirePermission(ctx, 'db.admin');
    const { writeDefaults } = await import('../../domain/settings.js');
    const d = await writeDefaults(sessionOf(ctx), { [KEYS[key]]: value });
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ key, value: d[KEYS[key]] }) + '\n');
    info(ctx.io, `${key} = ${d[KEYS[key]]}`);
  });
  const list = noun.command('list').alias('ls').description('every setting');
  examples(list, ['crm config list', 'crm config list --json']);
  list.action(async () => {
    const { readDefaults } = await import('../../domain/settings.js');
    const d = await readDefaults(sessionOf(ctx));
    const rows = (Object.keys(KEYS) as Key[]).map((key) => ({ key, value: d[KEYS[key]] }));
    printList(ctx.out, [{ key: 'key', label: 'Key' }, { key: 'value', label: 'Value' }], rows);
  });
}
