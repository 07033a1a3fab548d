/** `crm ticket link|unlink 12 kb:7 problem:3`: the ticket's side of article and problem links. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { linkArticle } from '../../domain/kb.js';
import { linkProblemTickets } from '../../domain/problems.js';
import { UsageError } from '../../errors.js';
import { info } from '../../io.js';
import { printChanged } from '../../output/render.js';
import { showTicket } from '../../domain/tickets.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { ticketLinks } from './show.js';

export function register(parent: Command, ctx: CliContext): void {
  for (const verb of ['link', 'unlink'] as const) {
    const cmd = parent
      .command(verb)
      .description(verb === 'link' ? 'link a ticket to knowledge-base articles (kb:7) or problems (problem:3)' : 'remove such links')
      .argument('<id>', 'ticket id')
      .argument('<targets...>', 'kb:ID or problem:ID (several allowed)');
    examples(cmd, [`crm ticket ${verb} 12 kb:7`, `crm ticket ${verb} 12 problem:3 kb:7 kb:9`]);
    cmd.action(async (id: string, targets: string[]) => {
      const s = sessionOf(ctx);
      const parsed = targets.map((t) => {
        const m = /^(kb|problem):#?(\d+)$/i.exec(t.trim());
        if (!m) throw new UsageError(`Link to kb:ID or problem:ID, not "${t}".`, `crm ticket ${verb} ${id} kb:7 problem:3`);
        return { kind: m[1]!.toLowerCase() as 'kb' | 'problem', id: m[2]! };
      });
      const done: string[] = [];
      for (const p of parsed) {
        const changed = p.kind === 'kb' ? (await linkArticle(s, p.id, id, verb === 'unlink')).changed : (await linkProblemTickets(s, p.id, [id], verb === 'unlink')).changed.length > 0;
        done.push(`${p.kind}:${p.id}${changed ? '' : verb === 'link' ? ' (already linked)' : ' (was not linked)'}`);
      }
      const t = await showTicket(s, id);
      printChanged(ctx.out, { ...t, ...(await ticketLinks(s, t.id)) });
      info(ctx.io, `Ticket #${t.id} ${verb === 'link' ? 'linked to' : 'unlinked from'} ${done.join(', ')}`);
    });
  }
}
