import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addUser, editUser, getUser, listUsers, toUserRecord, ROLES, type UserRecord } from '../../domain/users.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { printChanged, printCreated, printList, printRecord } from '../../output/render.js';
import { examples, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';

const userListView: ListView<UserRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'handle', label: 'Handle' },
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'role', label: 'Role' },
  { key: 'team', label: 'Team' },
  { key: 'timezone', label: 'Time zone' },
  { key: 'weekStart', label: 'Week starts' },
  { key: 'calendar', label: 'Calendar' },
  { key: 'login', label: 'Login' },
  { key: 'active', label: 'Active', format: 'bool' },
];

interface UserFlags {
  name?: string;
  email?: string;
  role?: string;
  team?: string;
  timezone?: string;
  login?: string;
  weekStart?: string;
  calendar?: string;
}

function userOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'display name')
    .option('--email <email>', 'email')
    .option('--role <role>', `one of ${ROLES.join(', ')} (default rep; crm help roles)`)
    .option('--team <team>', 'team or regional office')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Berlin (their "today", weeks and shown times)')
    .option('--week-start <day>', 'first day of their week: monday, sunday, saturday …')
    .option('--calendar <calendar>', 'calendar they read and write dates in: persian (Jalali) or gregorian; default clears it')
    .option('--login <login>', 'the OS login that is this user, when it is not the handle');
}

export function register(noun: Command, ctx: CliContext): void {
  const add = userOptions(noun.command('add').description('add a user').argument('<handle>', 'short unique handle, e.g. sara'));
  examples(add, ['crm user add sara --name "Sara Rahimi" --role manager --team East', 'crm user add kenji --name "Kenji Sato" --timezone Asia/Tokyo']);
  add.action(async (handle: string, o: UserFlags) => {
    const record = await addUser(sessionOf(ctx), { ...o, handle });
    printCreated(ctx.out, record.id, record);
    info(ctx.io, `Added user #${record.id} ${record.handle}`);
  });

  const list = noun.command('list').alias('ls').description('list users').option('--inactive', 'include inactive users');
  examples(list, ['crm user list', 'crm user list --json']);
  list.action(async (o: { inactive?: boolean }) => {
    printList(ctx.out, userListView, await listUsers(sessionOf(ctx), { includeInactive: o.inactive }), { emptyMessage: 'No users yet: crm user add HANDLE --name "…"' });
  });

  const show = noun.command('show').description('show a user').argument('<user>', 'id, handle or name');
  examples(show, ['crm user show sara', 'crm user show 3 --json']);
  show.action(async (ref: string) => {
    const record = toUserRecord(await getUser(sessionOf(ctx), ref));
    printRecord(ctx.out, record, [...userListView, { key: 'createdAt', label: 'Created', format: 'datetime' }]);
  });

  const edit = userOptions(noun.command('edit').description('change a user').argument('<user>', 'id, handle or name'))
    .option('--handle <handle>', 'new handle')
    .option('--active', 'mark active')
    .option('--inactive', 'mark inactive (keeps their records)')
    .option('--if-version <n>', 'refuse if the user is no longer at this version (optimistic locking)', positiveInt('--if-version'));
  examples(edit, ['crm user edit sara --team West', 'crm user edit kenji --inactive', 'crm user edit sara --role manager --if-version 2', 'crm user edit sara --login sr   # the OS login sr is sara', 'crm user edit sara --calendar persian   # Jalali dates in and out']);
  edit.action(async (ref: string, o: UserFlags & { handle?: string; active?: boolean; inactive?: boolean; ifVersion?: number }) => {
    if (o.active && o.inactive) throw new UsageError('Give --active or --inactive, not both.');
    const { active, inactive, ifVersion, ...rest } = o;
    const input = { ...rest, active: active ? true : inactive ? false : undefined };
    if (Object.values(input).every((v) => v === undefined)) throw new UsageError('Nothing to change.', `e.g. crm user edit ${ref} --team West`);
    const record = await editUser(sessionOf(ctx), ref, input, ifVersion);
    printChanged(ctx.out, record);
    info(ctx.io, `Updated user ${record.handle}`);
  });
}
