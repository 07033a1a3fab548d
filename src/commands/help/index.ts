import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';
import { closest } from '../../db/filter.js';
import { nouns } from '../registry.js';
import { topics } from './topics.js';

export function register(noun: Command, ctx: CliContext): void {
  noun
    .argument('[topic...]', 'a topic (filters, lifecycle) or a command (contact, deal…)')
    .description('help on a topic or command')
    .action(async (words: string[]) => {
      const [topic, ...rest] = words;
      if (!topic) {
        const width = Math.max(...Object.keys(topics).map((t) => t.length));
        ctx.io.stdout.write('Help topics:\n' + Object.entries(topics).map(([k, t]) => `  crm help ${k.padEnd(width)}  ${t.summary}`).join('\n') + '\n\nCommands: crm --help, or crm <command> --help.\n');
        return;
      }
      const t = topics[topic];
      if (t) {
        ctx.io.stdout.write(t.text);
        return;
      }
      if (nouns.some((n) => n.name === topic || n.aliases?.includes(topic))) {
        const { main } = await import('../../cli.js');
        const code = await main([topic, ...rest, '--help'], { io: ctx.io, env: ctx.env, clock: ctx.clock });
        if (code !== 0) process.exitCode = code;
        return;
      }
      const guess = closest(topic, [...Object.keys(topics), ...nouns.map((n) => n.name)]);
      throw new UsageError(`No help topic "${topic}".`, guess ? `Did you mean: crm help ${guess}` : `Topics: ${Object.keys(topics).join(', ')}; or crm --help`);
    });
}
