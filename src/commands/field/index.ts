/** `crm field add|list|edit|remove|enable`: typed custom fields per entity (crm help fields). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addField, BUILTIN_FIELDS, editField, enableFields, FIELD_ENTITIES, FIELD_TYPES, fieldDefinitions, parseFieldEntity, isReservedFieldName, removeField, type FieldDefinition, type FieldEntity } from '../../domain/custom-fields.js';
import { confirmOrRequireYes, info } from '../../io.js';
import { importFieldOfHeader, type EntityName } from '../../csv/entities.js';
import { UserError } from '../../errors.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

type FieldRow = FieldDefinition & { enabled: boolean };

const PLURAL: Record<FieldEntity, EntityName> = { contact: 'contacts', company: 'companies', deal: 'deals', ticket: 'tickets', activity: 'activities' };

const fieldListView: ListView<FieldRow> = [
  { key: 'entity', label: 'Entity' },
  { key: 'name', label: 'Name' },
  { key: 'label', label: 'Label' },
  { key: 'type', label: 'Type' },
  { key: 'choices', label: 'Choices', format: 'list', maxWidth: 30 },
  { key: 'required', label: 'Required', get: (r) => (r.required ? 'yes' : '') },
  { key: 'builtin', label: 'Built-in', get: (r) => (r.builtin ? 'yes' : '') },
  { key: 'enabled', label: 'Enabled', get: (r) => (r.enabled ? 'yes' : 'no') },
];

interface FieldFlags {
  type?: string;
  choices?: string;
  required?: boolean;
  label?: string;
}

export function register(noun: Command, ctx: CliContext): void {
  const entities = FIELD_ENTITIES.join('|');
  const add = noun
    .command('add')
    .description('add a typed custom field to an entity')
    .argument('<entity>', entities)
    .argument('<name>', 'field name: lower-case letters, digits, _ (e.g. national_id)')
    .option('--type <type>', FIELD_TYPES.join(' | '), 'text')
    .option('--choices <a,b,…>', 'the allowed values of a choice or multi field')
    .option('--required', 'a new record must have it (existing ones are listed by crm report data-quality)')
    .option('--label <text>', 'the label show prints (default: from the name)');
  examples(add, [
    'crm field add contact national_id --type ir-national-id',
    'crm field add contact shoe_size --type number',
    'crm field add company segment_size --type choice --choices small,medium,large --required',
    'crm contact edit 12 --set national_id=0012345679',
  ]);
  add.action(async (entity: string, name: string, o: FieldFlags) => {
    const e = parseFieldEntity(entity);
    // Its export column must import back into the field, not into a column the importer knows by that name.
    const taken = isReservedFieldName(e, name) ? undefined : importFieldOfHeader(PLURAL[e], name);
    if (taken) throw new UserError(`A ${e} column named "${name}" imports into ${taken}; a custom field cannot take that name.`, `Pick another name, e.g. ${name.replace(/-/g, '_')}_2.`, 'reserved_field');
    const def = await addField(sessionOf(ctx), e, name, o);
    printCreated(ctx.out, def.name, def);
    info(ctx.io, `Added ${def.entity} field ${def.name} (${def.type}); set it with --set ${def.name}=…`);
  });

  const list = noun
    .command('list')
    .alias('ls')
    .description('list the custom fields (with --available: also the built-in ones not yet enabled)')
    .argument('[entity]', entities)
    .option('--available', 'also list the built-in fields a team can enable');
  examples(list, ['crm field list', 'crm field list contact --available', 'crm field list --json']);
  list.action(async (entity: string | undefined, o: { available?: boolean }) => {
    const e = entity ? parseFieldEntity(entity) : undefined;
    const defs = await fieldDefinitions(sessionOf(ctx).db.kysely, e);
    const rows: FieldRow[] = defs.map((d) => ({ ...d, enabled: true }));
    if (o.available) {
      for (const ent of e ? [e] : FIELD_ENTITIES) {
        for (const b of BUILTIN_FIELDS[ent] ?? []) {
          if (!defs.some((d) => d.entity === ent && d.name === b.name)) rows.push({ ...b, entity: ent, required: false, builtin: true, enabled: false });
        }
      }
    }
    printList(ctx.out, fieldListView, rows, { emptyMessage: `No custom fields${e ? ` for ${e}` : ''}. Add one: crm field add contact national_id --type ir-national-id — or see the built-in ones: crm field list --available` });
  });

  const enable = noun
    .command('enable')
    .description("enable built-in fields of the source's person and company record")
    .argument('<entity>', 'contact | company')
    .argument('<names...>', 'built-in field names (crm field list --available)');
  examples(enable, ['crm field enable contact gender birth_date national_id', 'crm field enable company code po_box founding_date']);
  enable.action(async (entity: string, names: string[]) => {
    const e = parseFieldEntity(entity);
    const added = await enableFields(sessionOf(ctx), e, names);
    printList(ctx.out, fieldListView, added.map((d) => ({ ...d, enabled: true })), { emptyMessage: '' });
    info(ctx.io, added.length ? `Enabled ${added.length} ${e} field(s): ${added.map((d) => d.name).join(', ')}` : `Already enabled: ${names.join(', ')}`);
  });

  const edit = noun
    .command('edit')
    .description('change a field: type, choices, label, required')
    .argument('<entity>', entities)
    .argument('<name>', 'field name')
    .option('--type <type>', FIELD_TYPES.join(' | '))
    .option('--choices <a,b,…>', 'the allowed values (replaces the list)')
    .option('--required', 'a new record must have it')
    .option('--no-required', 'no longer required')
    .option('--label <text>', 'the label show prints');
  examples(edit, ['crm field edit contact gender --choices f,m,x,unknown', 'crm field edit contact national_id --required']);
  edit.action(async (entity: string, name: string, o: FieldFlags) => {
    const def = await editField(sessionOf(ctx), parseFieldEntity(entity), name, o);
    printChanged(ctx.out, def);
    info(ctx.io, `Updated ${def.entity} field ${def.name}`);
  });

  const remove = noun
    .command('remove')
    .alias('rm')
    .description('remove a field definition (the stored values stay, as plain custom fields, unless --purge)')
    .argument('<entity>', entities)
    .argument('<name>', 'field name')
    .option('--purge', 'also delete every stored value of the field')
    .option('--yes', 'do not ask (needed with --purge when not on a terminal)');
  examples(remove, ['crm field remove contact shoe_size', 'crm field remove contact shoe_size --purge --yes']);
  remove.action(async (entity: string, name: string, o: { purge?: boolean; yes?: boolean }) => {
    const e = parseFieldEntity(entity);
    if (o.purge) await confirmOrRequireYes(ctx.io, `Delete every stored ${name} of every ${e}?`, o.yes, `crm field remove ${e} ${name} --purge --yes`);
    const { cleared } = await removeField(sessionOf(ctx), e, name, { purge: o.purge });
    info(ctx.io, `Removed ${e} field ${name}${o.purge ? `; cleared it on ${cleared} record(s)` : ' (stored values kept as plain custom fields)'}`);
  });
}
