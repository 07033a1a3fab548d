/**
 * Demo activities: six months of calls, meetings, emails, notes and touches by the reps, with
 * follow-up tasks (most done, some overdue) and a few meetings scheduled ahead. About a third
 * of the reps log little or nothing — the adoption problem a weekly activity report must show.
 * Runs after the other seeders, so activities about deals link to the demo deals when they exist.
 * last_touched_at of every contact is set from the touches seeded here.
 */
import { sql } from 'kysely';
import type { DemoContext } from './index.js';
import type { Rng } from './random.js';

const DAY = 86_400_000;

const SUBJECTS: Record<string, string[]> = {
  call: ['Discussed pricing', 'Follow-up on the quote', 'Checked stock levels for Q1', 'Intro call', 'Delivery delay explained', 'Renewal terms', 'Asked about the new catalogue', 'Technical questions on bearings', 'Payment terms', 'Reorder of consumables'],
  meeting: ['Site visit', 'Quarterly business review', 'Product demo', 'Negotiation meeting', 'Trade fair meeting', 'Lunch with purchasing', 'Kick-off for the framework contract'],
  email: ['Sent the quote', 'Sent product sheets', 'Confirmed the delivery date', 'Answered the RFQ', 'Sent the revised offer', 'Thank-you note after the visit'],
  note: ['Budget frozen until next quarter', 'New purchasing manager starts next month', 'Prefers calls in the morning', 'Competitor offered 5% less', 'Plant expansion planned'],
  linkedin: ['Connected on LinkedIn', 'Congratulated on the new role', 'Shared the case study'],
  letter: ['Sent the printed catalogue', 'Christmas card', 'Anniversary letter'],
  newsletter: ['Autumn newsletter', 'Spring product newsletter'],
};

const FOLLOW_UPS = ['Send quote', 'Call back about the offer', 'Send samples', 'Confirm delivery date', 'Prepare the contract draft', 'Check payment status', 'Book the site visit', 'Send the price list'];

const KIND_WEIGHTS: [string, number][] = [
  ['call', 40],
  ['email', 28],
  ['meeting', 14],
  ['note', 8],
  ['linkedin', 5],
  ['letter', 3],
  ['newsletter', 2],
];

function pickKind(rng: Rng): string {
  let r = rng.next() * 100;
  for (const [k, w] of KIND_WEIGHTS) if ((r -= w) < 0) return k;
  return 'call';
}

/** An instant `daysAgo` days before now on a weekday, during office hours (roughly; UTC). */
function workTime(now: Date, daysAgo: number, rng: Rng): Date {
  let t = new Date(now.getTime() - daysAgo * DAY);
  while (t.getUTCDay() === 0 || t.getUTCDay() === 6) t = new Date(t.getTime() - DAY);
  t.setUTCHours(rng.int(7, 16), rng.pick([0, 0, 15, 30, 45]), 0, 0);
  return t;
}

type Row = {
  id: number;
  kind: string;
  subject: string;
  body: string | null;
  contact_id: number;
  company_id: number | null;
  deal_id: number | null;
  ticket_id: null;
  occurred_at: string | null;
  duration_minutes: number | null;
  due_at: string | null;
  done_at: string | null;
  owner_id: number;
  created_by: string;
  follow_up_of_id: number | null;
  created_at: string;
  updated_at: string;
};

export async function seedActivities({ trx, rng, now, people }: DemoContext): Promise<void> {
  const reps = [...people.repIdsByTeam.values()].flat();
  const users = new Map((await trx.selectFrom('users').select(['id', 'handle']).orderBy('id').execute()).map((u) => [u.id, u.handle]));
  const contacts = await trx.selectFrom('contacts').select(['id', 'company_id', 'owner_id']).where('archived_at', 'is', null).where('lifecycle', '!=', 'inactive').orderBy('id').execute();
  const byOwner = new Map<number, { id: number; company_id: number | null }[]>();
  for (const c of contacts) if (c.owner_id !== null) byOwner.set(c.owner_id, [...(byOwner.get(c.owner_id) ?? []), c]);
  const deals = await trx.selectFrom('deals').select(['id', 'contact_id', 'created_at', 'won_at', 'lost_at']).where('contact_id', 'is not', null).orderBy('id').execute();
  const dealsByContact = new Map<number, { id: number; from: string; to: string }[]>();
  for (const d of deals) {
    const span = { id: d.id, from: d.created_at, to: d.won_at ?? d.lost_at ?? '9999' };
    dealsByContact.set(d.contact_id!, [...(dealsByContact.get(d.contact_id!) ?? []), span]);
  }

  // Who logs what: shuffle the reps, then about a third are laggards (half of those log nothing).
  const order = [...reps];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const laggards = new Set(order.slice(0, Math.round(reps.length / 3)));
  const silent = new Set(order.slice(0, Math.round(reps.length / 6)));

  const maxId = Number((await trx.selectFrom('activities').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);
  let nextId = maxId + 1;
  const rows: Row[] = [];
  const nowMs = now.getTime();
  const iso = (d: Date | number) => new Date(d).toISOString();

  for (const repId of reps) {
    const mine = byOwner.get(repId) ?? [];
    if (mine.length === 0 || silent.has(repId)) continue;
    const handle = users.get(repId) ?? 'demo';
    const perWeek = laggards.has(repId) ? rng.int(0, 1) + (rng.chance(0.5) ? 0 : 1) : rng.int(5, 14);
    const weeks = 26;
    const count = laggards.has(repId) ? rng.int(1, 8) : perWeek * weeks;
    for (let i = 0; i < count; i++) {
      const c = rng.pick(mine);
      const kind = pickKind(rng);
      // Older history thins out: most touches are recent, a few go back 18 months.
      const daysAgo = rng.chance(0.85) ? rng.int(0, 182) : rng.int(183, 540);
      const at = workTime(now, daysAgo, rng);
      // Only deals that were open at the time can be what the call was about.
      const dealIds = dealsByContact.get(c.id)?.filter((d) => d.from <= iso(at) && iso(at) <= d.to).map((d) => d.id);
      const row: Row = {
        id: nextId++,
        kind,
        subject: rng.pick(SUBJECTS[kind]!),
        body: null,
        contact_id: c.id,
        company_id: c.company_id,
        deal_id: dealIds?.length && rng.chance(0.6) ? rng.pick(dealIds) : null,
        ticket_id: null,
        occurred_at: iso(at),
        duration_minutes: kind === 'call' ? rng.int(3, 45) : kind === 'meeting' ? rng.pick([30, 45, 60, 90, 120]) : null,
        due_at: null,
        done_at: null,
        owner_id: repId,
        created_by: handle,
        follow_up_of_id: null,
        created_at: iso(at),
        updated_at: iso(at),
      };
      rows.push(row);
      if ((kind === 'call' || kind === 'meeting') && rng.chance(laggards.has(repId) ? 0.5 : 0.3)) {
        let due = new Date(at.getTime() + rng.int(1, 10) * DAY);
        while (due.getUTCDay() === 0 || due.getUTCDay() === 6) due = new Date(due.getTime() + DAY);
        due.setUTCHours(rng.pick([8, 9, 10, 14]), 0, 0, 0);
        // Diligent reps close their follow-ups; laggards leave them hanging (overdue).
        const closed = due.getTime() < nowMs - 2 * DAY && rng.chance(laggards.has(repId) ? 0.3 : 0.9);
        const doneAt = closed ? Math.min(due.getTime() + rng.int(-1, 2) * DAY, nowMs - DAY) : null;
        rows.push({
          ...row,
          id: nextId++,
          kind: 'task',
          subject: rng.pick(FOLLOW_UPS),
          deal_id: row.deal_id,
          occurred_at: null,
          duration_minutes: null,
          due_at: iso(due),
          done_at: doneAt !== null ? iso(Math.max(doneAt, at.getTime() + 3600_000)) : null,
          follow_up_of_id: row.id,
        });
      }
    }
    // Diligent reps also have meetings booked ahead and a few open tasks for the coming days.
    if (!laggards.has(repId)) {
      for (let i = rng.int(0, 3); i > 0; i--) {
        const c = rng.pick(mine);
        let at = new Date(nowMs + rng.int(1, 12) * DAY);
        while (at.getUTCDay() === 0 || at.getUTCDay() === 6) at = new Date(at.getTime() + DAY);
        at.setUTCHours(rng.int(7, 15), rng.pick([0, 30]), 0, 0);
        rows.push({ id: nextId++, kind: 'meeting', subject: rng.pick(SUBJECTS.meeting!), body: null, contact_id: c.id, company_id: c.company_id, deal_id: null, ticket_id: null, occurred_at: iso(at), duration_minutes: rng.pick([30, 60, 90]), due_at: null, done_at: null, owner_id: repId, created_by: handle, follow_up_of_id: null, created_at: iso(nowMs - rng.int(1, 10) * DAY), updated_at: iso(nowMs - DAY) });
      }
    }
  }

  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('activities').values(rows.slice(i, i + 200)).execute();

  // last_touched_at = the latest touch that has happened (internal notes and tasks do not count).
  await sql`UPDATE contacts SET last_touched_at = (
      SELECT max(a.occurred_at) FROM activities a
      WHERE a.contact_id = contacts.id AND a.kind IN ('call','meeting','email','newsletter','letter','linkedin','touch') AND a.occurred_at <= ${now.toISOString()}
    )`.execute(trx);
}
