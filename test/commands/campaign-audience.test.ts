/**
 * Issue #21 item 4: a segment (or any contact filter) is a campaign's audience — checked when
 * saved, counted on `campaign show`, listed and exported by `crm campaign audience`.
 */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

describe.each(['sqlite', 'postgres'] as const)('campaign audience on %s', (engine) => {
  const { ok, crm } = useTempDb({ engine });

  it('targets the contacts of a filter, as contact list selects them, and follows later changes', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--tag', 'vip', '--company', 'Tehran Tiles']);
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com', '--company', 'Tehran Tiles']);
    await ok(['contact', 'add', 'Cem Kaya', '--email', 'cem@example.com', '--tag', 'vip', '--company', 'Izmir Ltd']);
    await ok(['campaign', 'add', 'Spring webinar', '--audience', 'company:tehran +vip']);
    const shown = (await ok(['campaign', 'show', 'Spring webinar', '--json'])).json();
    expect(shown).toMatchObject({ audience: 'company:tehran +vip', audienceSize: 1 });
    const names = async () => (await ok(['campaign', 'audience', 'Spring webinar', '--json'])).json().map((c: { name: string }) => c.name);
    expect(await names()).toEqual(['Ana Lima']);
    await ok(['contact', 'edit', '2', '--add-tag', 'vip']);
    expect((await names()).sort()).toEqual(['Ana Lima', 'Bob Stone']);
    const csv = (await ok(['campaign', 'audience', '1', '--format', 'csv'])).stdout;
    expect(csv.split('\n')[0]).toContain('name,email');
    expect(csv).toContain('bob@example.com');
  });

  it('refuses a wrong filter when saved, names a campaign without one, and clears with none', async () => {
    await ok(['campaign', 'add', 'Fall', '--cost', '100 EUR']);
    const bad = await crm(['campaign', 'edit', 'Fall', '--audience', 'shoe:42']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('shoe');
    const none = await crm(['campaign', 'audience', 'Fall']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('has no audience');
    await ok(['campaign', 'edit', 'Fall', '--audience', '+vip']);
    await ok(['campaign', 'edit', 'Fall', '--audience', 'none']);
    expect((await ok(['campaign', 'show', 'Fall', '--json'])).json()).toMatchObject({ audience: null, audienceSize: null });
  });
});

describe('a segment as the audience', () => {
  const { ok } = useTempDb();

  it('drives the list, an export and the campaign alike', async () => {
    await ok(['contact', 'add', 'Ana Lima', '--email', 'ana@example.com', '--tag', 'vip']);
    await ok(['contact', 'add', 'Bob Stone', '--email', 'bob@example.com']);
    await ok(['segment', 'add', 'vips', '+vip']);
    await ok(['campaign', 'add', 'Gala', '--audience', 'segment:vips']);
    const list = (await ok(['contact', 'list', 'segment:vips', '--json'])).json().map((c: { name: string }) => c.name);
    const audience = (await ok(['campaign', 'audience', 'Gala', '--json'])).json().map((c: { name: string }) => c.name);
    const exported = (await ok(['export', 'contacts', 'segment:vips', '--format', 'json'])).json().map((c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`);
    expect(list).toEqual(['Ana Lima']);
    expect(audience).toEqual(list);
    expect(exported).toEqual(list);
  });
});
