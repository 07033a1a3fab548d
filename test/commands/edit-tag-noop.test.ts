/**
 * A tag-only edit that changes no tag (adding a tag the record has, removing one it lacks,
 * setting the same tags) on a contact, deal or company writes nothing: no version, no audit
 * entry, updated_at as it was. (crm ticket edit, which had that problem, is covered in
 * ticket-edit-event.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({
  seed: async ({ ok }) => {
    await ok(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--tag', 'vip']);
    await ok(['company', 'add', 'Acme Ltd', '--tag', 'vip']);
    await ok(['deal', 'add', 'Printers', '--company', 'Acme Ltd', '--tag', 'vip']);
  },
});

const CASES: [string, string[][]][] = [
  ['contact', [['--add-tag', 'vip'], ['--add-tag', 'VIP'], ['--remove-tag', 'old'], ['--set-tags', 'vip']]],
  ['company', [['--add-tag', 'vip'], ['--remove-tag', 'old']]],
  ['deal', [['--add-tag', 'vip'], ['--remove-tag', 'old']]],
];

describe('a tag-only edit that changes no tag writes nothing', () => {
  for (const [entity, edits] of CASES) {
    it(`crm ${entity} edit`, async () => {
      const show = async () => (await t.ok([entity, 'show', '1', '--json'])).json();
      const audit = async () => (await t.ok(['history', entity, '1', '--json'])).json().length;
      const before = await show();
      const record = before[entity] ?? before;
      const audits = await audit();
      for (const argv of edits) {
        const r = await t.crm([entity, 'edit', '1', ...argv]);
        expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      }
      const after = await show();
      const now = after[entity] ?? after;
      expect(now.version).toBe(record.version);
      expect(now.updatedAt).toBe(record.updatedAt);
      expect(now.tags).toEqual(['vip']);
      expect(await audit()).toBe(audits);
      // A real tag change: one version, one audit entry.
      await t.ok([entity, 'edit', '1', '--add-tag', 'key']);
      const changed = await show();
      expect((changed[entity] ?? changed).version).toBe(record.version + 1);
      expect(await audit()).toBe(audits + 1);
    });
  }
});
