/**
 * An edit of a contact, deal, company or user whose every value (tags included) is already stored
 * writes nothing — no version, no audit entry, updated_at and tag rows as they were — and fails
 * with no_change: "Nothing to change: contact #1 already has …" (exit 1), as crm ticket edit does
 * (ticket-edit-event.test.ts). An edit that changes some values writes and audits only those.
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({
  seed: async ({ ok }) => {
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--title', 'CEO', '--tag', 'vip']);
    await ok(['company', 'add', 'Acme Ltd', '--industry', 'Printing', '--tag', 'vip']);
    await ok(['deal', 'add', 'Printers', '--company', 'Acme Ltd', '--amount', '12500 EUR', '--tag', 'vip']);
  },
});

/** [entity, no-op edits with their message, a mixed edit, the field it changes]. */
const CASES: [string, [string[], string][], string[], string][] = [
  [
    'contact',
    [
      [['--add-tag', 'vip'], 'Nothing to change: contact #1 already has tag vip.'],
      [['--add-tag', 'VIP'], 'Nothing to change: contact #1 already has tag vip.'],
      [['--remove-tag', 'old'], 'Nothing to change: contact #1 already has no tag old.'],
      [['--set-tags', 'vip'], 'Nothing to change: contact #1 already has tag vip.'],
      [['--title', 'CEO'], 'Nothing to change: contact #1 already has title CEO.'],
      [['--title', 'CEO', '--email', 'sara@example.com', '--add-tag', 'vip'], 'Nothing to change: contact #1 already has email sara@example.com, title CEO and tag vip.'],
    ],
    ['--title', 'CEO', '--email', 'sara@example.com', '--phone', '+49 30 1234', '--add-tag', 'vip'],
    'phone',
  ],
  [
    'company',
    [
      [['--add-tag', 'vip'], 'Nothing to change: company #1 already has tag vip.'],
      [['--remove-tag', 'old'], 'Nothing to change: company #1 already has no tag old.'],
      [['--industry', 'Printing', '--add-tag', 'vip'], 'Nothing to change: company #1 already has industry Printing and tag vip.'],
    ],
    ['--industry', 'Printing', '--domain', 'acme.example', '--add-tag', 'vip'],
    'domain',
  ],
  [
    'deal',
    [
      [['--add-tag', 'vip'], 'Nothing to change: deal #1 already has tag vip.'],
      [['--remove-tag', 'old'], 'Nothing to change: deal #1 already has no tag old.'],
      [['--title', 'Printers', '--amount', '12500 EUR'], 'Nothing to change: deal #1 already has title Printers and that amount.'],
    ],
    ['--title', 'Printers', '--amount', '12500 EUR', '--source', 'web'],
    'source',
  ],
];

describe('an edit that changes nothing writes nothing and says so', () => {
  for (const [entity, edits, mixed, field] of CASES) {
    it(`crm ${entity} edit`, async () => {
      const show = async () => {
        const j = (await t.ok([entity, 'show', '1', '--json'])).json();
        return j[entity] ?? j;
      };
      const history = async () => (await t.ok(['history', entity, '1', '--json'])).json() as { changes: Record<string, unknown> }[];
      const record = await show();
      const audits = (await history()).length;
      for (const [argv, message] of edits) {
        const r = await t.crm([entity, 'edit', '1', ...argv]);
        expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain(message);
        expect(r.stdout).not.toContain('Updated');
      }
      const json = await t.crm([entity, 'edit', '1', '--add-tag', 'vip', '--json']);
      expect(json.exitCode).toBe(1);
      expect(json.stderr).toContain('no_change');
      const now = await show();
      expect(now.version).toBe(record.version);
      expect(now.updatedAt).toBe(record.updatedAt);
      expect(now.tags).toEqual(['vip']);
      expect((await history()).length).toBe(audits);
      // The stale check still comes first.
      const stale = await t.crm([entity, 'edit', '1', '--add-tag', 'vip', '--if-version', String(record.version + 5)]);
      expect(stale.exitCode).not.toBe(0);
      expect(stale.stderr).not.toContain('Nothing to change');
      // Some values differ: one version, one audit entry holding only the changed field.
      await t.ok([entity, 'edit', '1', ...mixed]);
      const changed = await show();
      expect(changed.version).toBe(record.version + 1);
      const entries = await history();
      expect(entries.length).toBe(audits + 1);
      const latest = entries.reduce((a, b) => ((b as { id?: number }).id ?? 0) > ((a as { id?: number }).id ?? 0) ? b : a);
      expect(Object.keys(latest.changes)).toEqual([field]);
      // A real tag change: one version, one audit entry.
      await t.ok([entity, 'edit', '1', '--add-tag', 'key']);
      expect((await show()).version).toBe(record.version + 2);
      expect((await history()).length).toBe(audits + 2);
    });
  }

  it('crm user edit', async () => {
    await t.ok(['user', 'add', 'lena', '--name', 'Lena Park', '--email', 'lena@example.com']);
    const show = async () => (await t.ok(['user', 'show', 'lena', '--json'])).json();
    const history = async () => (await t.ok(['history', 'user', String((await show()).id), '--json'])).json() as { changes: Record<string, unknown> }[];
    const record = await show();
    const audits = (await history()).length;
    const r = await t.crm(['user', 'edit', 'lena', '--name', 'Lena Park']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('Nothing to change: user lena already has name Lena Park.');
    const now = await show();
    expect(now.version).toBe(record.version);
    expect(now.updatedAt).toBe(record.updatedAt);
    expect((await history()).length).toBe(audits);
    await t.ok(['user', 'edit', 'lena', '--name', 'Lena Park', '--team', 'North']);
    expect((await show()).version).toBe(record.version + 1);
    const entries = await history();
    expect(entries.length).toBe(audits + 1);
  });
});
