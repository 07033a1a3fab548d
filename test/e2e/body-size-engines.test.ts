/**
 * A body read with --body-file (or stdin) is at most 8 M characters, as a CSV field an import
 * takes: a 50 MB article was stored, and then every `crm kb search` took 1.7 GB of memory and a
 * minute. Past the limit: one line, exit 1, nothing written. Both engines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: a body too large', (engine) => {
  const db = useEngineDb(engine, 'bodysize');

  it('is refused in one line and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-body-'));
    const big = join(dir, 'big.md');
    writeFileSync(big, '# Big\n' + 'word '.repeat((8 << 20) / 5 + 1));
    const [, , article, note, articles, ticket, template, templates] = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['ticket', 'open', 'Printer'],
      ['kb', 'add', 'Big', '--body-file', big],
      ['ticket', 'note', '1', '--body-file', big],
      ['kb', 'list', '--json'],
      ['ticket', 'show', '1', '--json'],
      ['template', 'add', 'big', '--subject', 'Big', '--file', big],
      ['template', 'list', '--json'],
    ]);
    expect(JSON.parse(templates!.stdout)).toEqual([]);
    for (const r of [article, note, template]) {
      expect(r!.code).toBe(1);
      expect(r!.stderr).toMatch(/^error: .*big\.md holds 8\.0 M characters; a body is at most 8 M\.\nhint: /);
    }
    expect(JSON.parse(articles!.stdout)).toEqual([]);
    expect(JSON.stringify(JSON.parse(ticket!.stdout))).not.toContain('word word');
  }, 120_000);
});
