/**
 * Issue #15 item 2: every command runs on both engines. The allowlist of commands that run on
 * PostgreSQL (src/db/postgres/support.ts) must name every command crm has — each noun's verbs
 * walked from the real command tree — so a command added later without its PostgreSQL port fails
 * here, not in a user's hands. A command left off the list is refused in one line (tested too).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { nouns } from '../../../src/commands/registry.js';
import { needsNoDatabase, notOnPostgres, runsOnPostgres } from '../../../src/db/postgres/support.js';
import type { CliContext } from '../../../src/context.js';

/** Every runnable command of the tree as the pre-action hook names it ("deal contact add"). */
function leaves(cmd: Command, path: string[]): string[] {
  const here = [...path, cmd.name()];
  const subs = cmd.commands as Command[];
  // A command with an action of its own runs (nouns such as `pipeline` and `agenda` do); its verbs too.
  const own = (cmd as unknown as { _actionHandler: unknown })._actionHandler ? [here.join(' ')] : [];
  return [...own, ...subs.flatMap((c) => leaves(c, here))];
}

describe('the PostgreSQL allowlist', () => {
  it('names every command crm has', async () => {
    const ctx = { io: { stdout: { write: () => true }, stderr: { write: () => true } }, env: {}, globals: {} } as unknown as CliContext;
    const all: string[] = [];
    for (const entry of nouns) {
      const noun = new Command(entry.name);
      await (await entry.load()).register(noun, ctx, { verb: undefined });
      all.push(...leaves(noun, []));
    }
    expect(all.length).toBeGreaterThan(100);
    expect(all).toEqual(expect.arrayContaining(['deal contact add', 'import contacts', 'agenda', 'db copy', 'report sla']));
    const missing = all.filter((c) => !runsOnPostgres(c) && !needsNoDatabase(c));
    expect(missing).toEqual([]);
  });

  it('refuses a command not on it in one line naming the issue', () => {
    expect(notOnPostgres('frobnicate all').message).toBe('`crm frobnicate all` does not run on PostgreSQL yet (issue #15).');
  });
});
