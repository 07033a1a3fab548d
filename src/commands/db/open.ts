import { openOptionsFrom, type CliContext } from '../../context.js';
import { openDatabase, type Db, type OpenOptions } from '../../db/sqlite.js';

/** Open the database with the global options plus some of a verb's own (db check opens damaged files). */
export function openWith(ctx: CliContext, extra: Partial<OpenOptions>): Db {
  return openDatabase(ctx.dbPath(), { ...openOptionsFrom(ctx.globals, ctx.env), ...extra });
}
