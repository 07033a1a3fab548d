/**
 * crm export <entity> [filter] [--format csv|json|ndjson] [-o FILE] [--raw] [--excel]:
 * every record, streamed. CSV columns are the importer's field names, so an export imports
 * back unchanged. The pipeline lives in src/csv/export.ts.
 */
import type { Command } from 'commander';
import { closeSync, writeSync } from 'node:fs';
import { openPrivateFile } from '../../output/files.js';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { filterEnv } from '../../domain/session.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { ENTITY_NAMES, entityByName, type EntityName } from '../../csv/entities.js';
import { exportAlias, exportEntity, type ExportFormat, type Sink } from '../../csv/export.js';
import { exportSales, isSalesExport, SALES_EXPORTS } from '../../csv/sales-export.js';
import { compileFilter, parseFilter, type FilterSpec } from '../../db/filter.js';
import { fieldDefinitions, type FieldEntity } from '../../domain/custom-fields.js';

const FIELD_ENTITY_OF: Partial<Record<string, FieldEntity>> = { contacts: 'contact', companies: 'company', deals: 'deal', tickets: 'ticket', activities: 'activity' };
import { currentUser } from '../../domain/users.js';

interface ExportFlags {
  raw?: boolean;
  excel?: boolean;
}

/**
 * The filter language of each entity, compiled to an id subquery over the same joins its list
 * command uses (so every filter term that works in `crm <noun> list` works here).
 */
async function whereFor(ctx: CliContext, entity: EntityName, filter: string[]): Promise<{ sql: string; params: unknown[] } | undefined> {
  if (!filter.length) return undefined;
  const s = sessionOf(ctx);
  const me = await currentUser(s);
  const env = filterEnv(s, me);
  const db = s.db.kysely as any;
  let spec: FilterSpec;
  let base: any;
  switch (entity) {
    case 'contacts':
      spec = await (await import('../../domain/contacts.js')).contactFilterSpecFor(s);
      base = db.selectFrom('contacts as c');
      break;
    case 'companies':
      spec = await (await import('../../domain/companies.js')).companyFilterSpecFor(s);
      base = db.selectFrom('companies as co');
      break;
    case 'deals': {
      spec = await (await import('../../domain/deals.js')).dealFilterSpecFor(s);
      base = db.selectFrom('deals as d').innerJoin('stages as st', 'st.id', 'd.stage_id');
      break;
    }
    case 'tickets':
      spec = await (await import('../../domain/tickets.js')).ticketFilterSpecFor(s);
      base = db.selectFrom('tickets as t').leftJoin('contacts as c', 'c.id', 't.contact_id').leftJoin('companies as co', 'co.id', 't.company_id').leftJoin('users as u', 'u.id', 't.assignee_id').leftJoin('sla_policies as p', 'p.id', 't.sla_policy_id');
      break;
    case 'activities':
      spec = await (await import('../../domain/activities.js')).activityFilterSpecFor(s);
      base = db.selectFrom('activities as a');
      break;
    default:
      throw new UsageError(`crm export ${entity} takes no filter.`, `Export everything: crm export ${entity}`);
  }
  const cond = compileFilter(parseFilter(filter), spec, env);
  if (!cond) return undefined;
  const compiled = base.select(spec.idColumn).where(cond).compile();
  return { sql: `${exportAlias(entity)}.id IN (${compiled.sql})`, params: [...compiled.parameters] };
}

function resolveExportFormat(ctx: CliContext): ExportFormat {
  const explicit = ctx.globals.format ?? (ctx.globals.json ? 'json' : undefined);
  if (explicit) {
    if (explicit !== 'csv' && explicit !== 'json' && explicit !== 'ndjson') throw new UsageError(`crm export writes csv, json or ndjson, not ${explicit}.`, 'e.g. crm export contacts --format csv -o contacts.csv');
    return explicit;
  }
  const out = ctx.globals.output;
  if (out && /\.ndjson$/i.test(out)) return 'ndjson';
  if (out && /\.json$/i.test(out)) return 'json';
  return 'csv';
}

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description(`Export records as CSV, JSON or NDJSON: ${[...new Set([...ENTITY_NAMES, ...SALES_EXPORTS])].join(', ')}`)
    .argument('<entity>', [...new Set([...ENTITY_NAMES, ...SALES_EXPORTS])].join(' | '))
    .argument('[filter...]', 'filter terms, as in crm <noun> list: crm help filters')
    .option('--raw', 'write cells exactly as stored (no spreadsheet formula neutralisation)')
    .option('--excel', 'for Excel: UTF-8 BOM and CRLF line ends');
  examples(noun, ['crm export contacts --format csv -o contacts.csv', 'crm export contacts +vip owner:me -o vip.csv', 'crm export deals --format ndjson > deals.ndjson', 'crm export companies --excel -o companies.csv', 'crm export orders -o orders.csv   # ERP hand-off: one row per order line, customer and product keys']);
  noun.action(async (entityArg: string, filter: string[], o: ExportFlags) => {
    const sales = isSalesExport(entityArg);
    const entity = sales ? undefined : entityByName(entityArg).name;
    const format = resolveExportFormat(ctx);
    if (o.excel && format !== 'csv') throw new UsageError('--excel applies to CSV output.');
    if (sales && filter.length) throw new UsageError(`crm export ${entityArg} takes no filter.`, `Export everything: crm export ${entityArg}`);
    const where = entity ? await whereFor(ctx, entity, filter) : undefined;
    const db = ctx.anyDb();
    const outFile = ctx.globals.output;
    let fd: number | undefined;
    let sink: Sink;
    if (outFile) {
      fd = openPrivateFile(outFile, { overwrite: true });
      const file = fd;
      sink = { write: (chunk) => void writeSync(file, chunk) };
    } else {
      const stdout = ctx.io.stdout as { write(c: string): boolean; once?: (ev: string, cb: () => void) => void };
      sink = {
        write: (chunk) => {
          if (!stdout.write(chunk) && stdout.once) return new Promise<void>((resolve) => stdout.once!('drain', resolve));
        },
      };
    }
    try {
      if (!entity) {
        const count = await exportSales(sessionOf(ctx), entityArg, { format, raw: Boolean(o.raw), excel: Boolean(o.excel) }, sink);
        if (outFile) info(ctx.io, `Exported ${count} ${entityArg.toLowerCase().startsWith('order') ? 'order lines' : 'products'} to ${outFile}`);
        return;
      }
      const fieldEntity = FIELD_ENTITY_OF[entity];
      const fields = fieldEntity ? await fieldDefinitions(db.kysely, fieldEntity) : [];
      const count = await exportEntity(db, entity as Exclude<EntityName, 'products'>, { format, raw: Boolean(o.raw), excel: Boolean(o.excel), where, fields }, sink);
      if (outFile) info(ctx.io, `Exported ${count} ${entity} to ${outFile}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
}
