/**
 * crm db grant HANDLE [--role NAME] [--password-stdin]: on PostgreSQL, let a crm user connect as
 * their own database role, so the server enforces their permissions (src/db/postgres/access.ts).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { readStdin } from '../body-file.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

interface GrantFlags {
  role?: string;
  passwordStdin?: boolean;
}

const GRANT_ON_SQLITE = 'On SQLite the file\'s permissions are the boundary: share it with chmod/chgrp, or move to a server: crm db copy FILE postgres://…';

async function readLine(ctx: CliContext): Promise<string> {
  const text = (await readStdin(ctx)).split(/\r?\n/)[0] ?? '';
  if (!text) throw new UsageError('--password-stdin read no password.', 'echo "$PASSWORD" | crm db grant sara --password-stdin');
  return text;
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('grant')
    .description('PostgreSQL: let a user connect as their own database role, the server enforcing their permissions')
    .argument('<user>', 'the crm user (handle)')
    .option('--role <name>', 'the database role (default: the user\'s login, else handle)')
    .option('--password-stdin', 'set the role\'s password from the first line of stdin');
  examples(cmd, ['crm db grant sara', 'echo "$PW" | crm db grant sara --password-stdin', 'crm db grant sara --role sara_r --json']);
  cmd.addHelpText('after', '\nThe user then connects as that role (postgres://sara@host/crm): crm names them by it, and PostgreSQL applies\ntheir role\'s permissions with grants and row-level security — psql changes only what crm would. Needs CREATEROLE.');
  cmd.action(async (handle: string, o: GrantFlags) => {
    const db = ctx.pgDb('crm db grant', GRANT_ON_SQLITE);
    await (await import('../identity.js')).requirePermission(ctx, 'user.manage');
    const s = sessionOf(ctx);
    const { getUser, editUser } = await import('../../domain/users.js');
    const user = await getUser(s, handle);
    const role = (o.role ?? user.login ?? user.handle).toLowerCase();
    const { ROLE_NAME, grantPersonRole } = await import('../../db/postgres/access.js');
    const { translatePgError } = await import('../../db/postgres/errors.js');
    if (!ROLE_NAME.test(role)) throw new UsageError(`"${role}" is not a database role name crm makes.`, 'Use lower-case letters, digits and _ (at most 63), e.g. --role sara_r.');
    const password = o.passwordStdin ? await readLine(ctx) : undefined;
    let created: boolean;
    try {
      ({ created } = await grantPersonRole(db, role, password));
    } catch (err) {
      // Without CREATEROLE the server refuses (42501): one line naming the database, as everywhere.
      throw translatePgError(err, db.path);
    }
    if (user.login !== role) await editUser(s, user.handle, { login: role });
    const result = { handle: user.handle, role: user.role, databaseRole: role, created, passwordSet: password !== undefined };
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
    info(ctx.io, `${user.handle} (${user.role}) connects as database role ${role}${created ? ' (created)' : ''}; PostgreSQL enforces the ${user.role} permissions for it (crm help roles).${password === undefined && created ? ` Set a password: ALTER ROLE ${role} PASSWORD '…' (or crm db grant ${user.handle} --password-stdin).` : ''}`);
  });
}
