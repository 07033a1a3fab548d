/**
 * crm import <contacts|companies|deals|activities|tickets|users> FILE... , crm import history,
 * crm import undo RUN. The pipeline lives in src/csv; this file parses flags and reports.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, isJsonFormat, printList, toJson } from '../../output/render.js';
import { intended, safeCell } from '../../output/safe.js';
import { collect, examples, parseId, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { authorize } from '../../domain/permissions.js';
import { parseCenturyPivot, parseDateOrder, DateError } from '../../csv/dates.js';
import { ENTITIES, ENTITY_NAMES, type EntityName, type MatchKey } from '../../csv/entities.js';
import { importInto, prepareFile, type CreateMissing, type EmptyCells, type FileResult, type ImportOptions, type Mode } from '../../csv/importer.js';
import { describeMapping, parseFieldValueFlags, parseMapFlags, parseValueMapFlags, type ValueMap } from '../../csv/mapping.js';
import { parsePresetName, PRESET_NAMES, PRESETS } from '../../csv/presets.js';
import { listImportRuns, undoImport, type ImportRunRecord } from '../../csv/undo.js';
import { fold } from '../../db/fold.js';
import { isCurrencyCode } from '../../domain/money.js';
import { confirmOrRequireYes } from '../../io.js';
import { plural } from '../../output/plural.js';

interface ImportFlags {
  map?: string[];
  mapStage?: string[];
  currency?: string;
  dateFormat?: string;
  centuryPivot?: string;
  from?: string;
  mapStatus?: string[];
  mapLifecycle?: string[];
  mapValue?: string[];
  match?: string;
  mode?: string;
  empty?: string;
  dryRun?: boolean;
  skipInvalid?: boolean;
  rejects?: string;
  force?: boolean;
  createMissing?: string[];
  encoding?: string;
  delimiter?: string;
  showMapping?: boolean;
  repColumn?: string;
}

const EXAMPLES: Record<EntityName, string[]> = {
  users: ['crm import users sales_teams.csv --map "sales_agent=name,regional_office=team"'],
  companies: ['crm import companies accounts.csv --map "account=name,sector=industry"', 'crm import companies salesforce_accounts.csv --encoding windows-1252'],
  deals: [
    'crm import deals sales_pipeline.csv --dry-run --currency USD --map-stage "Engaging=Qualification" \\\n    --map "opportunity_id=external-id,product=title,account=company,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount"',
  ],
  contacts: ['crm import contacts google_contacts.csv', 'crm import contacts leads.csv --map "E-mail Address=email" --show-mapping', 'crm import contacts leads.csv --skip-invalid      # good rows in, bad rows to leads.rejects.csv', 'crm import contacts weekly.csv --empty clear --dry-run   # which stored fields its empty cells would clear'],
  tickets: ['crm import tickets customer_support_tickets.csv', 'crm import tickets incident_event_log.csv --date-format DMY --create-missing users'],
  activities: ['crm import activities weekly/*.csv --rep-column "Rep"'],
  products: ['crm import products catalogue.csv --dry-run      # columns: sku,name,description,unit,prices,tax_rate,warranty_months,active', 'crm import products price-update.csv   # sku,price_eur,price_usd: sets those prices, keeps the others'],
};

function parseCreateMissing(values: string[] | undefined): Set<CreateMissing> {
  const out = new Set<CreateMissing>();
  for (const v of values ?? []) {
    const k = v.toLowerCase();
    if (k !== 'users' && k !== 'companies' && k !== 'contacts') throw new UsageError(`--create-missing takes users, companies or contacts, not "${v}".`);
    out.add(k);
  }
  return out;
}

function parseMapStage(values: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of parseMapFlags(values)) {
    if (!m.field) throw new UsageError(`--map-stage needs FILE_STAGE=OUR_STAGE, not "${m.source}=".`, 'e.g. --map-stage "Engaging=Qualification"');
    out.set(fold(m.source), m.field);
  }
  return out;
}

function buildOptions(ctx: CliContext, entity: EntityName, o: ImportFlags): ImportOptions {
  const spec = ENTITIES[entity];
  let match: MatchKey[] | undefined;
  if (o.match) {
    match = o.match.split(',').map((m) => m.trim().toLowerCase()) as MatchKey[];
    for (const m of match) if (!spec.matchKeys.includes(m)) throw new UsageError(`--match ${m} does not apply to ${entity}.`, `Use one of: ${spec.matchKeys.join(', ')}.`);
  }
  const mode = (o.mode ?? 'upsert') as Mode;
  if (!['create', 'update', 'upsert'].includes(mode)) throw new UsageError(`Unknown --mode "${o.mode}".`, 'Use create, update or upsert.');
  const empty = (o.empty ?? 'keep') as EmptyCells;
  if (empty !== 'keep' && empty !== 'clear') throw new UsageError(`Unknown --empty "${o.empty}".`, 'Use keep (an empty cell leaves the stored value) or clear (an empty cell clears it).');
  let dateOrder;
  if (o.dateFormat) {
    try {
      dateOrder = parseDateOrder(o.dateFormat);
    } catch (err) {
      if (err instanceof DateError) throw new UsageError(`Unknown --date-format "${o.dateFormat}".`, 'Use DMY (31/12/2026), MDY (12/31/2026) or YMD (2026/12/31).');
      throw err;
    }
  }
  let centuryPivot: number | undefined;
  if (o.centuryPivot !== undefined) {
    try {
      centuryPivot = parseCenturyPivot(o.centuryPivot);
    } catch (err) {
      if (err instanceof DateError) throw new UsageError(`${err.message}.`, 'e.g. --date-format DMY --century-pivot 70 (26 → 2026, 85 → 1985)');
      throw err;
    }
    if (!dateOrder) throw new UsageError('--century-pivot needs --date-format: two-digit years are read only when the order is named.', 'e.g. --date-format MDY --century-pivot 70');
  }
  const from = o.from === undefined ? undefined : parsePresetName(o.from);
  if (o.from !== undefined && !from) throw new UsageError(`Unknown --from "${o.from}".`, `Use one of: ${PRESET_NAMES.join(', ')}.`);
  const valueMaps: ValueMap[] = [...parseValueMapFlags(o.mapValue)];
  if (o.mapStatus?.length) {
    if (entity !== 'tickets' && entity !== 'deals') throw new UsageError('--map-status applies to crm import tickets (status) and deals (stage).');
    valueMaps.push(...parseFieldValueFlags(o.mapStatus, entity === 'tickets' ? 'status' : 'stage', '--map-status'));
  }
  if (o.mapLifecycle?.length) {
    if (entity !== 'contacts') throw new UsageError('--map-lifecycle applies to crm import contacts.');
    valueMaps.push(...parseFieldValueFlags(o.mapLifecycle, 'lifecycle', '--map-lifecycle'));
  }
  if (o.currency && !isCurrencyCode(o.currency)) throw new UsageError(`"${o.currency}" is not an ISO currency code.`, 'e.g. --currency USD');
  const delimiter = o.delimiter === undefined ? undefined : o.delimiter === 'tab' || o.delimiter === '\\t' ? '\t' : o.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1) throw new UsageError(`--delimiter takes one character (or "tab"), not "${o.delimiter}".`);
  if (o.repColumn && entity !== 'activities') throw new UsageError('--rep-column applies to crm import activities.');
  return {
    entity,
    map: parseMapFlags(o.map),
    mapStage: parseMapStage(o.mapStage),
    currency: o.currency,
    dateOrder,
    dateReading: { calendar: ctx.calendar, centuryPivot },
    from,
    valueMaps,
    match,
    mode,
    empty,
    dryRun: Boolean(o.dryRun),
    skipInvalid: Boolean(o.skipInvalid),
    rejectsPath: o.rejects,
    replaceRejects: Boolean(o.force),
    createMissing: parseCreateMissing(o.createMissing),
    encoding: o.encoding,
    delimiter,
    repColumn: o.repColumn,
    keepAllRows: isJsonFormat(ctx.out),
  };
}

function progressReporter(ctx: CliContext, file: string) {
  if (!ctx.io.isStderrTTY || ctx.io.quiet) return undefined;
  let last = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    ctx.io.stderr.write(`${intended('\r')}${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(pct).padStart(3)}% ${file}${pct === 100 ? intended('\r\x1b[K') : ''}`);
  };
}

const SHOWN_DETAILS = 20;

function humanSummary(r: FileResult): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would be ' : '';
  lines.push(`${r.file} → ${r.entity}${r.dryRun ? ' (dry run: nothing written)' : r.committed ? ` (import run #${r.runId})` : ' (nothing written)'}`);
  lines.push(`  ${plural(r.rows, 'row')}: ${r.created} ${verb}created, ${r.updated} ${verb}updated, ${r.unchanged} unchanged, ${r.rejected} rejected`);
  if (r.skippedEmpty) lines.push(`  skipped ${r.skippedEmpty} empty row${r.skippedEmpty === 1 ? '' : 's'}`);
  if (r.keptEmpty) lines.push(`  ${r.keptEmpty} empty cell${r.keptEmpty === 1 ? '' : 's'} left the stored value as it is (--empty clear clears such fields)`);
  if (r.rows > 0 && r.unchanged === r.rows) lines.push('  Every row matches what is stored: nothing to change.');
  const refs = r.createdReferences;
  const refParts = [refs.companies.length ? plural(refs.companies.length, 'company', 'companies') : '', refs.users.length ? `${plural(refs.users.length, 'user')} (${refs.users.slice(0, 5).join(', ')}${refs.users.length > 5 ? ', …' : ''})` : '', refs.contacts ? plural(refs.contacts, 'contact') : ''].filter(Boolean);
  if (refParts.length) lines.push(`  ${r.dryRun ? 'would also create' : 'also created'}: ${refParts.join(', ')}`);
  if (r.customColumns.length) lines.push(`  kept as custom fields: ${r.customColumns.map(safeCell).join(', ')}`);
  const notImported = r.mapping.filter((m) => m.field.startsWith('not imported'));
  if (notImported.length) lines.push(`  not imported: ${notImported.map((m) => `${safeCell(m.column)} (${m.field.replace('not imported: ', '')})`).join(', ')}`);
  const updated = r.details.filter((d) => d.outcome === 'updated');
  for (const d of updated.slice(0, SHOWN_DETAILS)) lines.push(`  row ${d.row}: ${verb}updated #${d.id}: ${d.changes!.map((c) => (d.cleared?.includes(c) ? `${c} (${verb}cleared)` : c)).join(', ')}`);
  if (updated.length > SHOWN_DETAILS) lines.push(`  … and ${updated.length - SHOWN_DETAILS} more updated rows (--json lists every row)`);
  return lines.join('\n') + '\n';
}

function rejectedLines(r: FileResult): string {
  return r.details
    .filter((d) => d.outcome === 'rejected')
    .map((d) => `  row ${d.row}${d.error!.column ? `, ${safeCell(d.error!.column)}` : ''}${d.error!.value ? ` "${safeCell(d.error!.value)}"` : ''}: ${safeCell(d.error!.reason)}\n`)
    .join('');
}

/** A preset found from the header is said on stderr (it decides how columns and values are read). */
function notePreset(ctx: CliContext, file: string, preset: { label: string; detected: boolean } | undefined): void {
  if (preset?.detected) info(ctx.io, `${file}: looks like a ${preset.label} export — reading it with --from ${preset.label.split(' ')[0]!.toLowerCase()} (pass --from to choose another).`);
}

async function runImport(ctx: CliContext, entity: EntityName, files: string[], o: ImportFlags): Promise<void> {
  const opts = buildOptions(ctx, entity, o);
  const spec = ENTITIES[entity];
  if (o.showMapping) {
    // Shown even when a required column is unmapped: that is when it is needed.
    const out: { file: string; from: string | null; mapping: { column: string; field: string }[]; problem: string | null }[] = [];
    for (const file of files) {
      const p = prepareFile(spec, file, opts, { check: false });
      p.reader.close();
      notePreset(ctx, file, p.preset);
      out.push({ file, from: p.preset?.name ?? null, mapping: describeMapping(p.mapping), problem: p.problem ?? null });
    }
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(out) + '\n');
    else emit(ctx.out, out.map((f) => `${f.file} (${spec.name}${f.from ? `, from ${PRESETS[f.from as keyof typeof PRESETS].label}` : ''}):\n` + f.mapping.map((m) => `  ${safeCell(m.column)} → ${m.field}`).join('\n') + '\n' + (f.problem ? `  missing: ${f.problem}\n` : '')).join(''));
    return;
  }
  const s = sessionOf(ctx);
  if (!opts.dryRun) await authorize(s, 'import.run'); // a dry run writes nothing: anyone may try one
  if (!opts.dryRun && spec.permission) await authorize(s, spec.permission as Parameters<typeof authorize>[1]); // e.g. the catalogue's own permission too
  const results: FileResult[] = [];
  let failed: FileResult | undefined;
  for (const file of files) {
    const prepared = prepareFile(spec, file, opts);
    notePreset(ctx, file, prepared.preset);
    const fileOpts = { ...opts, progress: progressReporter(ctx, file) };
    const result = await importInto(s.db, s, prepared, fileOpts);
    results.push(result);
    if (result.rejected > 0 && !opts.skipInvalid && !opts.dryRun) {
      failed = result;
      break;
    }
  }
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(results.length === 1 ? results[0] : results) + '\n');
  else emit(ctx.out, results.map(humanSummary).join(''));
  for (const r of results) {
    if (r.warningCount) {
      ctx.io.stderr.write(`warning: ${r.file}: ${plural(r.warningCount, 'value')} not imported as given:\n`);
      for (const w of r.warnings.slice(0, SHOWN_DETAILS)) ctx.io.stderr.write(`  row ${w.row}, ${safeCell(w.column)} "${safeCell(w.value)}": ${safeCell(w.reason)}\n`);
      if (r.warningCount > SHOWN_DETAILS) ctx.io.stderr.write(`  … and ${r.warningCount - SHOWN_DETAILS} more (--json lists them)\n`);
    }
    if (r.rejected && (opts.dryRun || opts.skipInvalid)) ctx.io.stderr.write(`${r.file}: ${plural(r.rejected, 'rejected row')}:\n${rejectedLines(r)}`);
    if (r.rejectsFile) info(ctx.io, `Wrote the ${plural(r.rejected, 'rejected row')} to ${r.rejectsFile}: fix them and import that file again.`);
  }
  if (failed) {
    ctx.io.stderr.write(rejectedLines(failed));
    const skipped = files.slice(files.indexOf(failed.file) + 1);
    throw new UserError(
      `${failed.rejected} of ${failed.rows} rows in ${failed.file} are invalid; nothing from that file was imported${skipped.length ? ` (and ${skipped.length === 1 ? '1 later file was' : `${skipped.length} later files were`} not read)` : ''}.`,
      `Fix the rows listed above and run it again, or import the good rows with --skip-invalid (the bad ones go to ${failed.file.replace(/(\.[^./\\]+)?$/, '.rejects.csv')}).`,
      'invalid_rows',
    );
  }
}

const runView: ListView<ImportRunRecord> = [
  { key: 'id', label: 'Run', format: 'int' },
  { key: 'startedAt', label: 'When', format: 'datetime' },
  { key: 'entity', label: 'Entity' },
  { key: 'files', label: 'File', get: (r) => r.files.join(', ') },
  { key: 'status', label: 'Status' },
  { key: 'created', label: 'Created', format: 'int' },
  { key: 'updated', label: 'Updated', format: 'int' },
  { key: 'unchanged', label: 'Unchanged', format: 'int' },
  { key: 'rejected', label: 'Rejected', format: 'int' },
  { key: 'actor', label: 'By' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('Import CSV files: contacts, companies, deals, activities, tickets, users, products');
  for (const entity of ENTITY_NAMES) {
    const cmd = noun
      .command(entity)
      .description(`import ${entity} from CSV files (upsert by natural key; all-or-nothing per file)`)
      .argument('<files...>', 'CSV files (UTF-8, UTF-16 with BOM, or --encoding)')
      .option('--map <pairs>', 'column mapping "File Column=field" (repeatable, comma lists; "Column=" ignores a column)', collect)
      .option('--show-mapping', 'print how the columns map, import nothing (also when a required column is missing)')
      .option('--from <crm>', `the CRM the file was exported from: ${PRESET_NAMES.join(' | ')} (default: detected from the header)`)
      .option('--map-value <rule>', 'translate a value of one column: "COLUMN:FROM=TO" (repeatable; TO empty = no value)', collect)
      .option('--dry-run', 'check every row and report what would happen; write nothing')
      .option('--match <key>', `natural key: ${ENTITIES[entity].matchKeys.join('|')} (default ${ENTITIES[entity].defaultMatch.join(', then ')})`)
      .option('--mode <mode>', 'create | update | upsert (default upsert)')
      .option('--empty <what>', 'keep | clear: what an empty cell does to a stored value (default keep: leaves it)')
      .option('--skip-invalid', 'import the good rows; write the bad ones to FILE.rejects.csv')
      .option('--rejects <file>', 'where --skip-invalid writes the rejected rows (never over an existing file or through a link)')
      .option('--force', 'replace an existing rejects file')
      .option('--create-missing <kinds>', 'create referenced users, companies or contacts that do not exist (comma list)', collect)
      .option('--date-format <order>', 'DMY | MDY | YMD for dates like 03/04/2026 or 03/04/26 (default: ISO only)')
      .option('--century-pivot <yy>', 'two-digit years below it are 20YY, the rest 19YY (default 70; needs --date-format)')
      .option('--encoding <name>', 'file encoding when there is no BOM: utf-8 (default), windows-1252, latin1, shift_jis…')
      .option('--delimiter <char>', 'field delimiter (default: sniffed from , ; tab |)');
    if (entity === 'deals') {
      cmd.option('--map-stage <pairs>', 'stage mapping "File Stage=Our Stage" (repeatable)', collect).option('--currency <code>', 'currency of amounts without one (e.g. USD)');
    }
    if (entity === 'tickets' || entity === 'deals') cmd.option('--map-status <pairs>', `translate ${entity === 'tickets' ? 'statuses' : 'stages'}: "Waiting on Third Party=on_hold" (repeatable, comma lists)`, collect);
    if (entity === 'contacts') cmd.option('--map-lifecycle <pairs>', 'translate lifecycle stages: "Evangelist=customer" (repeatable, comma lists)', collect);
    if (entity === 'activities') cmd.option('--rep-column <column>', 'the column naming the rep each activity belongs to');
    examples(cmd, EXAMPLES[entity]);
    cmd.action(async (files: string[], o: ImportFlags) => runImport(ctx, entity, files, o));
  }

  const history = noun.command('history').description('list import runs, newest first').option('--limit <n>', 'show at most n runs', positiveInt('--limit'));
  examples(history, ['crm import history', 'crm import history --json']);
  history.action(async (o: { limit?: number }) => {
    printList(ctx.out, runView, await listImportRuns(ctx.anyDb(), o.limit), { emptyMessage: 'No imports yet: crm import contacts FILE.csv' });
  });

  const undo = noun.command('undo').description('revert an import run: delete what it created, restore what it updated').argument('<run>', 'run id (crm import history)').option('--yes', 'do not ask');
  examples(undo, ['crm import undo 3 --yes']);
  undo.action(async (ref: string, o: { yes?: boolean }) => {
    const runId = parseId(ref, 'Import run');
    await confirmOrRequireYes(ctx.io, `Undo import run #${runId}?`, o.yes, `crm import undo ${runId} --yes`);
    await authorize(sessionOf(ctx), 'import.run');
    const res = await undoImport(ctx.anyDb(), sessionOf(ctx), runId);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(res) + '\n');
    info(ctx.io, `Undid import run #${runId}: deleted ${plural(res.deleted, 'record')}, restored ${res.restored}.`);
  });
}
