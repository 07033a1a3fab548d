/**
 * Issue 14 item 2: `contact merge` keeps everything of both records. A property test over random
 * pairs of contacts (fields, custom fields, notes, tags, external ids, deal links and roles): after
 * the merge every non-empty value of either record is on the kept contact or, where the kept
 * contact's own value won, in its history (the merge entry, key "#B field") — as src/domain/contact-merge.ts documents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/db/audit.js';
import { openDatabase } from '../../src/db/sqlite.js';
import { mergeContacts } from '../../src/domain/contact-merge.js';
import { addContact, loadContactRecord, type ContactInput, type ContactRecord } from '../../src/domain/contacts.js';
import { addDeal, addDealContact, CONTACT_ROLES } from '../../src/domain/deals.js';
import type { Session } from '../../src/domain/session.js';

function session(): Session {
  return { db: openDatabase(':memory:'), now: () => new Date('2026-11-20T12:00:00Z'), actor: 'tester', timeZone: 'UTC' };
}

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const phone = fc.integer({ min: 100, max: 999 }).map((n) => `+1 555 0${n}`);
const role = fc.option(fc.constantFrom(...CONTACT_ROLES), { nil: null });
/** Not on the deal, on it without a role, or with one. */
const dealLink = fc.option(role, { nil: undefined });

const contact = (side: 'a' | 'b') =>
  fc.record({
    name: word.map((w) => `${side.toUpperCase()}${w} Person`),
    email: maybe(word.map((w) => `${side}-${w.toLowerCase()}@example.test`)),
    phone: phone,
    mobile: maybe(phone),
    prefix: maybe(fc.constantFrom('Dr.', 'Ms.', 'Mr.')),
    title: maybe(word),
    company: maybe(fc.constantFrom('Acme Ltd', 'Globex')),
    companyRole: maybe(word),
    source: maybe(fc.constantFrom('web', 'event', 'referral')),
    notes: maybe(word.map((w) => `note ${w}`)),
    externalId: maybe(word.map((w) => `${side}-${w}`)),
    tags: fc.uniqueArray(fc.constantFrom('vip', 'newsletter', 'partner', 'lead'), { maxLength: 3 }),
    customFields: fc.dictionary(fc.constantFrom('size', 'region', 'tier'), word, { maxKeys: 3 }),
    deals: fc.tuple(dealLink, dealLink),
  });

type Generated = ContactInput & { deals: [string | null | undefined, string | null | undefined]; tags: string[]; customFields: Record<string, unknown> };

/** What a person reads on a contact, by the field names the merge history uses. */
function shown(r: ContactRecord): Record<string, unknown> {
  return { name: r.name, prefix: r.prefix, title: r.title, email: r.email, phone: r.phone, mobile: r.mobile, company: r.company?.name ?? null, companyRole: r.companyRole, lifecycle: r.lifecycle, source: r.source, externalId: r.externalId };
}

async function rolesOf(s: Session, contactId: number): Promise<Map<number, string | null>> {
  const rows = await s.db.kysely.selectFrom('deal_contacts').select(['deal_id', 'role']).where('contact_id', '=', contactId).execute();
  return new Map(rows.map((r) => [r.deal_id, r.role]));
}

describe('contact merge keeps everything of both records (property)', () => {
  it('every non-empty value of either contact is on the kept one or in its history', async () => {
    await fc.assert(
      fc.asyncProperty(contact('a'), contact('b'), async (ga, gb) => {
        const s = session();
        try {
          const make = async (g: Generated) => addContact(s, { ...g, owner: 'none' });
          const a = await make(ga as Generated);
          const b = await make(gb as Generated);
          const deals = [await addDeal(s, { title: 'D1', contact: String(b.id) }), await addDeal(s, { title: 'D2' })];
          for (const [c, g] of [[a, ga], [b, gb]] as const) {
            for (const [i, link] of g.deals.entries()) if (link !== undefined) await addDealContact(s, String(deals[i]!.id), String(c.id), link ?? undefined);
          }
          const rolesA = await rolesOf(s, a.id);
          const rolesB = await rolesOf(s, b.id);

          const result = await mergeContacts(s, String(a.id), String(b.id));
          const kept = await loadContactRecord(s.db.kysely, a.id);
          const merge = (await listAudit(s.db.kysely, 'contact', a.id)).find((e) => e.action === 'merge')!;
          const history = (field: string) => merge.changes?.[`#${b.id} ${field}`]?.[0];
          const findable = (field: string, value: unknown, onKept: unknown) => JSON.stringify(onKept) === JSON.stringify(value) || JSON.stringify(history(field)) === JSON.stringify(value);

          // The kept contact's own values all stay.
          for (const [field, value] of Object.entries(shown(a))) if (value !== null && field !== 'lifecycle') expect(shown(kept)[field], field).toEqual(value);
          for (const [k, v] of Object.entries(a.customFields ?? {})) expect(kept.customFields?.[k]).toEqual(v);
          // The duplicate's values: on the kept contact, or in its history.
          for (const [field, value] of Object.entries(shown(b))) if (value !== null) expect(findable(field, value, shown(kept)[field]), `${field}=${String(value)}`).toBe(true);
          for (const [k, v] of Object.entries(b.customFields ?? {})) expect(findable(`customFields.${k}`, v, kept.customFields?.[k]), `customFields.${k}`).toBe(true);
          for (const notes of [a.notes, b.notes]) if (notes) expect(kept.notes).toContain(notes);
          expect(kept.tags).toEqual(expect.arrayContaining([...a.tags, ...b.tags]));
          // Deal links and roles: B's deals and roles are A's now; a role A already had stays.
          const after = await rolesOf(s, a.id);
          for (const [deal, r] of rolesA) if (r !== null) expect(after.get(deal)).toBe(r);
          for (const [deal, r] of rolesB) {
            expect(after.has(deal)).toBe(true);
            if (r !== null) expect(after.get(deal) === r || history(`deal #${deal} role`) === r, `deal #${deal} role ${r}`).toBe(true);
          }
          expect((await s.db.kysely.selectFrom('deals').select('contact_id').where('id', '=', deals[0]!.id).executeTakeFirstOrThrow()).contact_id).toBe(a.id);
          // The summary names each value that stayed only in history.
          expect(result.notKept.map((n) => `#${b.id} ${n.field}`).sort()).toEqual(Object.keys(merge.changes ?? {}).filter((k) => k.startsWith(`#${b.id} `)).sort());
          expect(result.archived.archivedAt).not.toBeNull();
        } finally {
          s.db.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 120000);
});

describe('contact merge: the cases of issue 14', () => {
  it('a duplicate with an external id merges (no UNIQUE crash): taken when the kept contact has none, kept on the archived one otherwise', async () => {
    const s = session();
    const a = await addContact(s, { name: 'Ann One', email: 'ann@example.test' });
    const b = await addContact(s, { name: 'Ann Dup', phone: '+1 555 0101', externalId: 'crm-7' });
    const r = await mergeContacts(s, String(a.id), String(b.id));
    expect(r.kept.externalId).toBe('crm-7');
    expect(r.archived.externalId).toBeNull();
    expect(r.filled).toEqual(expect.arrayContaining(['phone', 'externalId']));

    const c = await addContact(s, { name: 'Cy One', email: 'cy@example.test', externalId: 'x-1' });
    const d = await addContact(s, { name: 'Cy Dup', email: 'cy2@example.test', externalId: 'x-2' });
    const r2 = await mergeContacts(s, String(c.id), String(d.id));
    expect(r2.kept.externalId).toBe('x-1');
    expect(r2.archived.externalId).toBe('x-2');
    expect(r2.notKept).toEqual(expect.arrayContaining([{ field: 'externalId', kept: 'x-1', other: 'x-2' }, { field: 'email', kept: 'cy@example.test', other: 'cy2@example.test' }]));
    s.db.close();
  });

  it('notes are appended, custom fields merged with the kept record winning, a role on a shared deal kept', async () => {
    const s = session();
    const a = await addContact(s, { name: 'Bo One', email: 'bo@example.test', notes: 'met at fair', customFields: { size: 'L', region: 'north' } });
    const b = await addContact(s, { name: 'Bo Dup', phone: '+1 555 0102', notes: 'prefers calls', customFields: { size: 'S', tier: 'gold' } });
    const deal = await addDeal(s, { title: 'Shared' });
    await addDealContact(s, String(deal.id), String(a.id));
    await addDealContact(s, String(deal.id), String(b.id), 'champion');
    const r = await mergeContacts(s, String(a.id), String(b.id));
    expect(r.kept.notes).toBe('met at fair\n\nMerged from #2 Bo Dup (2026-11-20):\nprefers calls');
    expect(r.notesAppended).toBe(true);
    expect(r.kept.customFields).toEqual({ size: 'L', region: 'north', tier: 'gold' });
    expect(r.notKept).toContainEqual({ field: 'customFields.size', kept: 'L', other: 'S' });
    expect((await rolesOf(s, a.id)).get(deal.id)).toBe('champion');
    s.db.close();
  });
});
