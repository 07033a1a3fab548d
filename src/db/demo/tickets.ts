/**
 * Demo support: a business calendar (New York hours with a lunch break and US holidays), a
 * standard and a key-account SLA policy, and a few hundred tickets over the last 90 days from
 * demo contacts, handled by the support.* agents with realistic timing — quick and slow first
 * replies, pending spells, reopenings, CSAT on close, month-end peaks, and a live queue with
 * some tickets already breaching at `now`.
 */
import type { TicketPriority, TicketStatus } from '../schema.js';
import type { DemoContext } from './index.js';
import type { Rng } from './random.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const SUBJECTS: Record<string, string[]> = {
  billing: ['Invoice {n} shows the wrong VAT', 'Charged twice for order {n}', 'Need a credit note for {n}', 'Payment terms on account {n}'],
  shipping: ['Order {n} has not arrived', 'Pallet {n} damaged on delivery', 'Wrong address on shipment {n}', 'Tracking for order {n} is stuck'],
  technical: ['Bearing kit {n} does not fit', 'Torque spec for part {n}?', 'Hydraulic pump {n} leaking', 'Datasheet missing for {n}'],
  returns: ['Return label for order {n}', 'RMA {n}: wrong part sent', 'Refund status for return {n}'],
  account: ['Portal login fails for {n}', 'Add a buyer to account {n}', 'Update billing contact on {n}'],
};
const CATEGORIES = Object.keys(SUBJECTS);
const CHANNELS = ['email', 'email', 'email', 'phone', 'web', 'chat'];
const PRIORITIES: TicketPriority[] = ['low', 'low', 'normal', 'normal', 'normal', 'normal', 'normal', 'high', 'high', 'urgent'];
const REPLIES = ["Thanks for reaching out — we're looking into it.", 'We have checked with the warehouse; details below.', 'Could you send us the serial number and a photo?', 'A replacement is on its way.', 'The credit note is attached.'];
const MESSAGES = ['Here is the serial number.', 'Photo attached.', 'Any update on this?', 'That did not solve it, unfortunately.', 'Thanks, that works.'];
const NOTES = ['Checked the ERP: stock available in Allentown.', 'Escalated to the product team.', 'Customer called, left a voicemail.', 'Carrier claim opened.'];

interface Ev {
  kind: string;
  at: number;
  actor: string;
  body?: string | null;
  from?: string | null;
  to?: string | null;
}

/** Minutes drawn from a skewed distribution: mostly quick, sometimes very slow. */
function delay(rng: Rng, quick: [number, number], slow: [number, number], pSlow: number): number {
  const [a, b] = rng.chance(pSlow) ? slow : quick;
  return rng.int(a, b) * MIN;
}

/** A creation instant in the last 90 days: mostly US business hours, more at month end. */
function createdAt(rng: Rng, now: number): number {
  for (;;) {
    let t = now - rng.int(0, 90) * DAY;
    const d = new Date(t);
    if (rng.chance(0.25)) {
      const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - rng.int(0, 2) * DAY - DAY;
      t = monthEnd;
    }
    const day = new Date(t);
    day.setUTCHours(0, 0, 0, 0);
    const hourUtc = rng.chance(0.8) ? rng.int(13, 22) : rng.int(0, 23);
    t = day.getTime() + hourUtc * HOUR + rng.int(0, 59) * MIN;
    const weekday = new Date(t).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rng.chance(0.8)) continue;
    if (t <= now - 10 * MIN) return t;
  }
}

export async function seedTickets(d: DemoContext): Promise<void> {
  const { trx, rng } = d;
  const now = d.now.getTime();
  const at = d.now.toISOString();
  const cal = await trx
    .insertInto('calendars')
    .values({ name: 'support-hours', timezone: 'America/New_York', hours: JSON.stringify({ mon: [['08:00', '12:00'], ['13:00', '18:00']], tue: [['08:00', '12:00'], ['13:00', '18:00']], wed: [['08:00', '12:00'], ['13:00', '18:00']], thu: [['08:00', '12:00'], ['13:00', '18:00']], fri: [['08:00', '12:00'], ['13:00', '17:00']] }), created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const year = d.now.getUTCFullYear();
  const holidays = [
    [`${year - 1}-12-25`, 'Christmas Day'],
    [`${year}-01-01`, "New Year's Day"],
    [`${year}-05-25`, 'Memorial Day'],
    [`${year}-07-03`, 'Independence Day (observed)'],
    [`${year}-09-07`, 'Labor Day'],
    [`${year}-11-26`, 'Thanksgiving'],
    [`${year}-12-25`, 'Christmas Day'],
  ];
  await trx.insertInto('calendar_holidays').values(holidays.map(([date, name]) => ({ calendar_id: cal.id, date: date!, name: name! }))).execute();
  const policy = (name: string, position: number, conditions: object, targets: object) =>
    trx.insertInto('sla_policies').values({ name, position, conditions: JSON.stringify(conditions), targets: JSON.stringify({ calendarTime: [], ...targets }), calendar_id: cal.id, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
  const keyAccounts = await policy('key-accounts', 1, { tier: ['a'] }, {
    firstReply: { low: '4h', normal: '2h', high: '1h', urgent: '30m' },
    nextReply: { low: '8h', normal: '4h', high: '2h', urgent: '1h' },
    resolution: { low: '5d', normal: '3d', high: '1d', urgent: '4h' },
  });
  const standard = await policy('standard', 2, {}, {
    firstReply: { low: '1d', normal: '8h', high: '4h', urgent: '1h' },
    nextReply: { low: '2d', normal: '1d', high: '8h', urgent: '2h' },
    resolution: { low: '10d', normal: '5d', high: '2d', urgent: '8h' },
  });

  const agents = await trx.selectFrom('users').select(['id', 'handle']).where('role', '=', 'agent').orderBy('handle').execute();
  const contacts = await trx
    .selectFrom('contacts as c')
    .leftJoin('companies as co', 'co.id', 'c.company_id')
    .select(['c.id', 'c.email', 'c.company_id', 'co.tier'])
    .where('c.email', 'is not', null)
    .orderBy('c.id')
    .execute();
  if (!agents.length || !contacts.length) return;

  const count = 320;
  for (let i = 0; i < count; i++) {
    const contact = rng.pick(contacts);
    const category = rng.pick(CATEGORIES);
    const subject = rng.pick(SUBJECTS[category]!).replace('{n}', String(rng.int(10000, 99999)));
    let priority = rng.pick(PRIORITIES);
    const agent = rng.pick(agents);
    const requester = contact.email!;
    const t0 = i >= count - 25 ? now - rng.int(5, 4 * 24 * 60) * MIN : createdAt(rng, now); // the last ones: the live queue
    const events: Ev[] = [{ kind: 'created', at: t0, actor: agent.handle, body: subject, to: 'new' }];
    let status: TicketStatus = 'new';
    let assignee: number | null = null;
    let solvedAt: number | null = null;
    let closedAt: number | null = null;
    let satisfaction: number | null = null;
    let t = t0;
    const push = (e: Ev) => {
      events.push(e);
      t = e.at;
    };
    const setStatus = (to: TicketStatus, when: number) => {
      push({ kind: 'status', at: when, actor: agent.handle, from: status, to });
      status = to;
    };
    const step = (ms: number) => t + ms;
    // Some live tickets nobody has answered yet: the queue shows their clocks running or breached.
    const stalled = i >= count - 25 && rng.chance(0.35);
    simulate: {
      let next = step(rng.int(1, 40) * MIN);
      if (next > now) break simulate;
      push({ kind: 'assign', at: next, actor: agent.handle, from: null, to: agent.handle });
      assignee = agent.id;
      if (stalled) break simulate;
      if (rng.chance(0.25)) {
        next = step(rng.int(2, 60) * MIN);
        if (next > now) break simulate;
        push({ kind: 'note', at: next, actor: agent.handle, body: rng.pick(NOTES) });
      }
      // First reply: usually within the hour, sometimes a day or two later (breaches).
      next = step(delay(rng, [5, 180], [600, 2880], 0.18));
      if (next > now) break simulate;
      push({ kind: 'reply', at: next, actor: agent.handle, body: rng.pick(REPLIES) });
      setStatus('open', next);
      if (rng.chance(0.07) && priority !== 'urgent') {
        const to: TicketPriority = priority === 'low' ? 'normal' : priority === 'normal' ? 'high' : 'urgent';
        push({ kind: 'priority', at: step(rng.int(5, 120) * MIN), actor: agent.handle, from: priority, to });
        priority = to;
        if (t > now) break simulate;
      }
      let rounds = rng.int(0, 2);
      while (rounds-- > 0) {
        if (rng.chance(0.6)) setStatus('pending', t);
        next = step(delay(rng, [30, 1440], [1440, 4320], 0.2));
        if (next > now) break simulate;
        push({ kind: 'message', at: next, actor: requester, body: rng.pick(MESSAGES) });
        if ((status as TicketStatus) === 'pending') setStatus('open', next);
        next = step(delay(rng, [10, 300], [600, 2000], 0.15));
        if (next > now) break simulate;
        push({ kind: 'reply', at: next, actor: agent.handle, body: rng.pick(REPLIES) });
      }
      if (rng.chance(0.08)) {
        setStatus('on_hold', step(rng.int(1, 30) * MIN));
        next = step(rng.int(1, 4) * DAY);
        if (next > now) break simulate;
        setStatus('open', next);
      }
      next = step(delay(rng, [30, 1440], [1440, 7200], 0.25));
      if (next > now) break simulate;
      setStatus('solved', next);
      solvedAt = next;
      if (rng.chance(0.1)) {
        next = step(rng.int(1, 4) * DAY);
        if (next > now) break simulate;
        push({ kind: 'message', at: next, actor: requester, body: 'That did not solve it, unfortunately.' });
        setStatus('open', next);
        solvedAt = null;
        next = step(delay(rng, [30, 480], [600, 2000], 0.2));
        if (next > now) break simulate;
        push({ kind: 'reply', at: next, actor: agent.handle, body: rng.pick(REPLIES) });
        next = step(rng.int(2, 48) * HOUR);
        if (next > now) break simulate;
        setStatus('solved', next);
        solvedAt = next;
      }
      next = step(rng.int(2, 5) * DAY);
      if (next > now) break simulate;
      setStatus('closed', next);
      closedAt = next;
      if (rng.chance(0.7)) {
        satisfaction = rng.pick([5, 5, 5, 4, 4, 4, 3, 2, 1]);
        push({ kind: 'csat', at: next, actor: requester, from: null, to: String(satisfaction) });
      }
    }
    const policyId = contact.tier === 'A' ? keyAccounts.id : standard.id;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const row = await trx
      .insertInto('tickets')
      .values({
        subject, contact_id: contact.id, company_id: contact.company_id, priority, status, assignee_id: assignee,
        channel: rng.pick(CHANNELS), category, satisfaction, sla_policy_id: policyId,
        created_at: iso(t0)!, updated_at: iso(events[events.length - 1]!.at)!, solved_at: iso(solvedAt), closed_at: iso(closedAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ticket_events')
      .values(events.map((e) => ({ ticket_id: row.id, kind: e.kind, body: e.body ?? null, from_value: e.from ?? null, to_value: e.to ?? null, actor: e.actor, at: iso(e.at)! })))
      .execute();
    if (rng.chance(0.1)) await trx.insertInto('tags').values({ entity_type: 'ticket', entity_id: row.id, tag: rng.pick(['vip', 'escalated', 'warranty']) }).execute();
  }
}
