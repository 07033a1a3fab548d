/**
 * A segment or custom field that a saved filter still names cannot be removed: the other
 * segment, the campaign audience or the rule condition would fail whenever it is used (before,
 * `crm segment list` itself failed with "Bad filter term" once a segment it lists was gone, and a
 * rule with `--if segment:X` stopped firing without a word). A segment broken anyway (its field
 * removed by an older crm) is listed with the reason, the others still counted. Both engines.
 */
import { describe, expect, it } from 'vitest';
import { crmSeries, ENGINES, execSql, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('%s: removing what a saved filter uses', (engine) => {
  const db = useEngineDb(engine, 'seguse');

  it('segment remove and field remove refuse while a segment, campaign or rule uses them; list survives a broken one', async () => {
    const steps = await crmSeries(db.url, [
      ['db', 'migrate'],
      ['field', 'add', 'contact', 'shoe', '--type', 'number'],
      ['contact', 'add', 'Ann Lee', '--email', 'ann@example.com', '--set', 'shoe=42'],
      ['segment', 'add', 'big', 'shoe:>41'],
      ['segment', 'add', 'inner', 'segment:big'],
      ['segment', 'add', 'deals', '--for', 'deal', 'amount:>1000'],
      ['campaign', 'add', 'Webinar', '--audience', 'segment:big'],
      ['rule', 'add', 'r1', '--on', 'deal.stage_changed', '--if', 'segment:deals', '--task', 'Check {{deal.title}}'],
      ['segment', 'remove', 'big'],
      ['segment', 'remove', 'deals'],
      ['field', 'remove', 'contact', 'shoe'],
      ['segment', 'remove', 'inner', '--json'],
      ['campaign', 'edit', 'Webinar', '--audience', 'none'],
      ['segment', 'list', '--json'],
    ]);
    expect(steps.slice(0, 8).map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const [segInner, segRule, fieldBig, removedInner, , list] = steps.slice(8);
    // The refusal names every user and how to change it; nothing is removed.
    expect(segInner!.code).toBe(1);
    expect(segInner!.stderr).toContain('Segment big is used by segment inner, campaign #1 Webinar (audience); nothing was removed.');
    expect(segInner!.stderr).toContain('crm segment remove inner; crm campaign edit 1 --audience none');
    expect(segRule!.code).toBe(1);
    expect(segRule!.stderr).toContain('Segment deals is used by rule r1 (--if)');
    expect(fieldBig!.code).toBe(1);
    expect(fieldBig!.stderr).toContain('Field contact.shoe is used by segment big; nothing was removed.');
    expect(removedInner!.code).toBe(0);
    expect(JSON.parse(removedInner!.stdout)).toMatchObject({ name: 'inner', filter: 'segment:big' });
    expect(JSON.parse(list!.stdout).map((s: { name: string; matching: number }) => [s.name, s.matching])).toEqual([
      ['big', 1],
      ['deals', 0],
    ]);
  }, 120_000);

  it('a segment whose field is gone is listed with the reason; the others are still counted', async () => {
    // As an older crm (or another tool) left it: the field definition removed under the segment.
    await execSql(db.url, "DELETE FROM field_definitions WHERE entity = 'contact' AND name = 'shoe'");
    const [list, json, use] = await crmSeries(db.url, [
      ['segment', 'list'],
      ['segment', 'list', '--json'],
      ['contact', 'list', 'segment:big'],
    ]);
    expect(list!.code).toBe(0);
    expect(list!.stdout).toMatch(/^deals\tdeal\tamount:>1000\t0\t$/m);
    expect(list!.stderr).toContain('warning: segment big cannot be used: Bad filter term "shoe:>41".');
    expect(list!.stderr).toContain('crm segment remove big, then crm segment add big');
    expect(JSON.parse(json!.stdout)[0]).toMatchObject({ name: 'big', matching: null, broken: expect.stringContaining('Unknown field "shoe"') });
    expect(use!.code).toBe(2);
  }, 120_000);
});
