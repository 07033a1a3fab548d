/**
 * `crm report NAME` loads only NAME's definition (src/reports/catalog.ts); help, a missing
 * name and a mistyped one still see every report. In-process, so argv reaches register()
 * through main(argv), never process.argv.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { findVerbToken } from '../../src/cli.js';
import { reports } from '../../src/commands/report/index.js';
import type { CliContext } from '../../src/context.js';
import { runCli, useTempDb } from '../helpers/run-cli.js';

const t = useTempDb();

describe('the report list', () => {
  it.each(reports.map((r) => [r.name, r] as const))('%s: the module registers the subcommand its entry names', async (name, entry) => {
    const parent = new Command('report');
    (await entry.load()).register(parent, {} as CliContext);
    expect(parent.commands.map((c) => c.name())).toEqual([name]);
    expect(parent.commands[0]!.description()).not.toBe('');
  });

  it('crm report --help lists every report with its description, in list order', async () => {
    const r = await runCli(['report', '--help'], { db: t.db });
    expect(r.exitCode).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) \[options\]/gm)].map((m) => m[1]);
    expect(listed).toEqual(reports.map((e) => e.name));
    expect(r.stdout).toContain('count and value of lost deals by reason');
    expect(r.stdout).toContain('Each verb has examples: crm report <verb> --help');
  });

  it('crm report --help NAME is still the list, as commander reads it', async () => {
    const r = await runCli(['report', '--help', 'lost-reasons'], { db: t.db });
    expect(r.stdout).toContain('win-rate [options]');
  });

  it('crm report NAME --help shows that report’s options and examples', async () => {
    const r = await runCli(['reports', 'lost-reasons', '--help'], { db: t.db });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: crm report lost-reasons [options]');
    expect(r.stdout).toContain('--period <period>');
    expect(r.stdout).toContain('crm report lost-reasons --team East --format csv');
  });

  it('a mistyped report name gets "did you mean"', async () => {
    const r = await runCli(['--db', t.db, 'report', 'lost-reason'], { db: t.db });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("error: Unknown command 'lost-reason'\nhint: Did you mean lost-reasons?\n");
  });

  it('runs the named report with global options around it', async () => {
    await t.ok(['init']);
    for (const argv of [
      ['--db', t.db, 'report', 'lost-reasons', '--period', '2026', '--json'],
      ['report', '--json', 'lost-reasons', '--period', '2026'],
      [`--db=${t.db}`, '-q', 'reports', 'lost-reasons', '--period=2026', '--format', 'json'],
    ]) {
      const r = await runCli(argv, { db: t.db });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.json().report).toBe('lost-reasons');
    }
  });
});

describe('findVerbToken', () => {
  const program = new Command('crm')
    .option('--db <path>')
    .option('--json')
    .option('-o, --output <file>')
    .option('--no-color')
    .option('-q, --quiet');

  it.each([
    [['report', 'sla'], 'sla'],
    [['report', 'sla', '--json'], 'sla'],
    [['--db', 'x.db', 'report', '--json', 'sla'], 'sla'],
    [['--db=x.db', 'report', '-o', 'out.json', 'sla'], 'sla'],
    [['-q', '--no-color', 'report', '--output=f', 'sla'], 'sla'],
    [['report'], undefined],
    [['report', '--help', 'sla'], undefined],
    [['report', '-h', 'sla'], undefined],
    [['report', '--period', '2026', 'sla'], undefined],
    [['--bogus', 'report', 'sla'], undefined],
    [['report', '--', 'sla'], undefined],
    [['-qo', 'f', 'report', 'sla'], undefined],
  ])('%j → %s', (argv, verb) => {
    expect(findVerbToken(argv, program)).toBe(verb);
  });
});
