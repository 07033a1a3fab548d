/** `crm inbox [--all]`, `crm inbox read ID|--all`, `crm inbox show ID`: notifications from rules. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printList, printRecord } from '../../output/render.js';
import { examples, parseId } from '../common.js';
import { sessionOf } from '../session.js';
import type { NotificationRecord } from '../../automation/inbox.js';

const view: ListView<NotificationRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'unread', label: 'New', format: 'bool' },
  { key: 'createdAt', label: 'When', format: 'age' },
  { key: 'title', label: 'Title', maxWidth: 50 },
  { key: 'record', label: 'Record', maxWidth: 30 },
  { key: 'rule', label: 'Rule' },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('your notifications, unread first (crm inbox read ID|--all, crm inbox show ID)').option('--all', 'also the read ones');
  examples(noun, ['crm inbox', 'crm inbox --all --json', 'crm inbox show 3', 'crm inbox read --all']);
  noun.action(async (o: { all?: boolean }) => {
    const { listInbox } = await import('../../automation/inbox.js');
    const rows = await listInbox(sessionOf(ctx), { all: o.all });
    printList(ctx.out, view, rows, { emptyMessage: o.all ? 'Your inbox is empty.' : 'Nothing unread. (crm inbox --all shows the read ones)' });
  });

  const show = noun.command('show').description('show a notification and the command that opens its record').argument('<id>', 'notification id');
  show.action(async (id: string) => {
    const { showNotification } = await import('../../automation/inbox.js');
    const n = await showNotification(sessionOf(ctx), parseId(id, 'notification'));
    printRecord(ctx.out, n, [...view, { key: 'body', label: 'Message' }, { key: 'open', label: 'Open' }, { key: 'readAt', label: 'Read', format: 'datetime' }]);
  });

  const read = noun.command('read').description('mark a notification read (or every unread one with --all)').argument('[id]', 'notification id').option('--all', 'every unread notification');
  read.action(async (id: string | undefined, opts: { all?: boolean }) => {
    // `crm inbox read --all`: commander may hand --all to the noun (which has one too).
    const o = { all: opts.all || (noun.opts() as { all?: boolean }).all };
    if (!id && !o.all) throw new UsageError('Mark which notification read?', 'crm inbox read ID — or crm inbox read --all');
    if (id && o.all) throw new UsageError('Give an id or --all, not both.');
    const { markRead } = await import('../../automation/inbox.js');
    const n = await markRead(sessionOf(ctx), o.all ? 'all' : parseId(id!, 'notification'));
    info(ctx.io, `Marked ${n} notification${n === 1 ? '' : 's'} read`);
  });
}
