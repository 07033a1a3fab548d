import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../../context.js';
import { untouchedContacts } from '../../db/reports/untouched.js';
import { resolveScope } from '../../domain/report-scope.js';
import { buildUntouched, untouchedCutoff } from '../../reports/untouched.js';
import { collect, examples, positiveInt } from '../common.js';
import { sessionOf } from '../session.js';
import { showReport } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('untouched')
    .description('active contacts nobody has touched in the last N days, by owner')
    .option('--days <n>', 'how far back a touch counts (default 365)', positiveInt('--days'), 365)
    .option('--owner <user>', 'only this owner (handle, name or "me"; repeatable)', collect)
    .option('--team <team>', 'only owners in this team')
    .option('--explain', 'print the exact definitions used')
    .addOption(new Option('--no-chart', 'no bar charts (drawn on a terminal only)'));
  examples(cmd, ['crm report untouched', 'crm report untouched --days 90 --owner me', 'crm report untouched --team "DACH (Munich)" --format csv', 'crm report untouched --json | jq .byOwner']);
  cmd.action(async (flags: { days: number; owner?: string[]; team?: string; explain?: boolean; chart?: boolean }) => {
    const s = sessionOf(ctx);
    const scope = await resolveScope(s, { owner: flags.owner, team: flags.team }, 'year');
    const cutoff = untouchedCutoff(scope.asOf, flags.days);
    const rows = await untouchedContacts(s.db, scope, cutoff);
    showReport(ctx, buildUntouched(rows, { scope, days: flags.days, cutoff }), flags);
  });
}
