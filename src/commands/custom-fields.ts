/** What every noun with custom fields shares on the command line: `--set`, and the rows `show` prints. */
import type { Command } from 'commander';
import type { ListView } from '../output/columns.js';
import { fieldDefinitions, formatFieldValue, type FieldEntity } from '../domain/custom-fields.js';
import type { Session } from '../domain/session.js';

import { collectWhole } from './common.js';

export function setOption(cmd: Command): Command {
  return cmd.option('--set <name=value>', 'a custom field value, e.g. --set national_id=0012345679 (repeatable; name= clears it; crm field list)', collectWhole);
}

/** One line per defined field after the built-in ones; the stored keys no definition names come last. */
export async function customFieldRows<R extends { customFields: Record<string, unknown> | null }>(s: Session, entity: FieldEntity, record: R): Promise<ListView<R>> {
  const defs = await fieldDefinitions(s.db.kysely, entity);
  const rows: ListView<R> = defs.map((d) => ({ key: `customFields.${d.name}`, label: d.label, ...(d.type === 'date' ? { format: 'date' as const } : {}), get: (r: R) => formatFieldValue(d, r.customFields?.[d.name]) || null }));
  for (const key of Object.keys(record.customFields ?? {})) {
    if (!defs.some((d) => d.name === key)) rows.push({ key: `customFields.${key}`, label: key, get: (r: R) => formatFieldValue({ type: 'text' }, r.customFields?.[key]) || null });
  }
  return rows;
}
