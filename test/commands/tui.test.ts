import { describe, expect, it } from 'vitest';
import { cliFor, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();
const { crm } = t;

describe('crm tui', () => {
  it('refuses without a terminal and points at the --json commands', async () => {
    const r = await crm(['tui']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('needs an interactive terminal');
    expect(r.stderr).toMatch(/hint: .*crm contact list --json/);
  });

  it('says so in JSON under --json', async () => {
    const r = await crm(['tui', '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe('not_a_terminal');
  });

  it('documents its keys and screens in --help', async () => {
    const r = await crm(['tui', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--screen');
    expect(r.stdout).toContain('crm tui --screen queue');
  });
});

describe('crm tui --screen', () => {
  it('names the screens when given an unknown one', async () => {
    const r = await cliFor(t.db)(['tui', '--screen', 'kanban']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown screen "kanban"');
    expect(r.stderr).toContain('board, queue, contacts, agenda');
  });
});
