import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { listAudit, type AuditRecord } from '../../db/audit.js';
import { getCompany } from '../../domain/companies.js';
import { getContact } from '../../domain/contacts.js';
import type { Session } from '../../domain/session.js';
import { getUser } from '../../domain/users.js';
import { UsageError } from '../../errors.js';
import type { ListView } from '../../output/columns.js';
import { printList } from '../../output/render.js';
import { examples, parseId } from '../common.js';
import { sessionOf } from '../session.js';

/** How to turn a reference into an id, per entity. Entities without a resolver take ids. */
const resolvers: Record<string, (s: Session, ref: string) => Promise<number>> = {
  contact: async (s, ref) => (await getContact(s, ref)).id,
  company: async (s, ref) => (await getCompany(s, ref)).id,
  user: async (s, ref) => (await getUser(s, ref)).id,
  // Refused actions are filed under the user who was refused.
  permission: async (s, ref) => (await getUser(s, ref)).id,
  // A rule by name or id; its firings are audited under it (action "fire").
  rule: async (s, ref) => (await (await import('../../automation/rules.js')).getRule(s, ref)).id,
};

export const HISTORY_ENTITIES = ['contact', 'company', 'user', 'deal', 'ticket', 'activity', 'campaign', 'stage', 'calendar', 'sla_policy', 'kb', 'problem', 'permission', 'product', 'quote', 'order', 'invoice', 'contract', 'rule'];

function summarize(r: AuditRecord): string {
  if (!r.changes) return '';
  return Object.entries(r.changes)
    .map(([k, [before, after]]) => (r.action === 'create' ? `${k}=${short(after)}` : `${k}: ${short(before)} → ${short(after)}`))
    .join('; ');
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

const view: ListView<AuditRecord> = [
  { key: 'at', label: 'When', format: 'datetime' },
  { key: 'actor', label: 'Who' },
  { key: 'action', label: 'Action' },
  { key: 'changes', label: 'Changes', get: summarize },
];

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description('the audit log of one record: who changed what, when')
    .argument('<entity>', `one of ${HISTORY_ENTITIES.join(', ')}`)
    .argument('<ref>', 'id (or email/name where the entity has one)')
    .option('--limit <n>', 'at most n entries')
    .action(async (entity: string, ref: string, o: { limit?: string }) => {
      // A plural is the same entity: users, activities, companies, sla-policies.
      const e = entity.toLowerCase().replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');
      if (!HISTORY_ENTITIES.includes(e)) throw new UsageError(`Unknown entity "${entity}".`, `Use one of: ${HISTORY_ENTITIES.join(', ')}`);
      const s = sessionOf(ctx);
      const id = resolvers[e] ? await resolvers[e](s, ref) : parseId(ref, e);
      const rows = await listAudit(s.db.kysely, e, id, o.limit ? Number(o.limit) : undefined);
      printList(ctx.out, view, rows, { emptyMessage: `No history for ${e} ${ref}.` });
    });
  examples(noun, ['crm history contact 12', 'crm history contact sara@example.com --json', 'crm history company "Acme Ltd"']);
}
