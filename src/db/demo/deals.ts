/**
 * Demo pipeline: several hundred deals across the reps, in the currencies of their regions,
 * with stage history spread over the months before `now` — some won, some lost with reasons,
 * some open and stale, some past their expected close — a few reps with almost nothing, and
 * quarterly quotas. Deterministic for a seed and clock.
 */
import type { Trx } from '../transaction.js';
import type { DemoContext } from './index.js';
import type { Rng } from './random.js';

const DAY = 86400000;

const PRODUCTS = [
  'Hydraulic pumps',
  'Bearings framework contract',
  'Conveyor retrofit',
  'Spare parts annual supply',
  'Safety valves',
  'Compressor service plan',
  'Gearbox overhaul',
  'Filters and seals',
  'Line automation',
  'Pneumatic fittings',
  'Drive belts',
  'Welding consumables',
  'Lubrication system',
  'Motor replacement',
];
const SUFFIXES = ['', '', '', ' — renewal', ' — phase 2', ' — pilot', ' — plant 2', ' — 2027'];
const SOURCES = ['referral', 'web', 'trade show', 'cold call', 'partner', 'newsletter', 'linkedin'];
const ROLES = ['decision maker', 'champion', 'influencer', 'technical buyer', 'user'];

/** Rough rates from USD, only to make amounts look right per currency. */
export const RATE: Record<string, number> = { USD: 1, EUR: 0.92, CHF: 0.88, JPY: 150, AED: 3.67, CNY: 7.2, BRL: 5, RUB: 92 };
const EXPONENT: Record<string, number> = { JPY: 0 };

const LOST_NOTES: Record<string, string[]> = {
  price: ['Went with a cheaper vendor', 'Budget cut by 20%, our quote was too high', 'Competitor undercut us by 12%'],
  competitor: ['Incumbent supplier matched our offer', 'They chose a local distributor', 'Competitor had stock on hand'],
  'no budget': ['Capex frozen until next fiscal year', 'Project postponed, no budget'],
  'no decision': ['Stopped answering after the demo', 'Champion left the company'],
  timing: ['Lead time too long for their shutdown window', 'Needed delivery before year end'],
  'product fit': ['Needed ATEX certification we do not have', 'Spec mismatch on pressure rating'],
  other: ['Plant closed', 'Merged with another group'],
};

function currencyFor(country: string | null, city: string | null, rng: Rng): string {
  switch (country) {
    case 'United States':
      return 'USD';
    case 'Germany':
      return city === 'Zürich' ? 'CHF' : 'EUR';
    case 'Japan':
      return 'JPY';
    case 'United Arab Emirates':
      return rng.chance(0.8) ? 'AED' : 'USD';
    case 'Iran':
      return rng.chance(0.6) ? 'EUR' : 'AED';
    case 'Brazil':
      return rng.chance(0.9) ? 'BRL' : 'USD';
    case 'China':
      return rng.chance(0.85) ? 'CNY' : 'USD';
    case 'Russia':
      return rng.chance(0.7) ? 'RUB' : 'EUR';
    default:
      return 'USD';
  }
}

/** A plausible amount in minor units: 3k–250k USD worth, rounded the way people quote. */
function amountMinor(currency: string, rng: Rng): number {
  const usd = Math.exp(Math.log(3000) + rng.next() * (Math.log(250000) - Math.log(3000)));
  const major = usd * (RATE[currency] ?? 1);
  const step = major > 1_000_000 ? 1000 : major > 100_000 ? 100 : 10;
  const whole = Math.max(step, Math.round(major / step) * step);
  const exp = EXPONENT[currency] ?? 2;
  const cents = exp === 0 ? 0 : rng.chance(0.25) ? rng.pick([50, 99, 25, 75]) : 0;
  return whole * 10 ** exp + cents;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function quarterOf(d: Date, back = 0): string {
  const idx = d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3) - back;
  return `${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`;
}

async function insertBatched<T extends Record<string, unknown>>(trx: Trx, table: 'deals' | 'deal_stage_history' | 'deal_contacts' | 'deal_milestones' | 'tags' | 'quotas', rows: T[], size = 200): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await trx.insertInto(table).values(rows.slice(i, i + size) as never).execute();
}

export async function seedDeals({ trx, rng, now, people }: DemoContext): Promise<void> {
  const nowMs = now.getTime();
  const pipeline = await trx.selectFrom('pipelines').select('id').where('is_default', '=', 1).executeTakeFirstOrThrow();
  const stages = await trx.selectFrom('stages').selectAll().where('pipeline_id', '=', pipeline.id).where('archived_at', 'is', null).orderBy('position').execute();
  const open = stages.filter((s) => s.kind === 'open');
  const won = stages.find((s) => s.kind === 'won')!;
  const lost = stages.find((s) => s.kind === 'lost')!;
  const reasons = (await trx.selectFrom('lost_reasons').select('name').where('active', '=', 1).orderBy('id').execute()).map((r) => r.name);
  const weightedReasons = reasons.flatMap((r) => Array<string>(r === 'price' ? 5 : r === 'competitor' ? 4 : r === 'other' ? 1 : 2).fill(r));
  const users = await trx.selectFrom('users').select(['id', 'handle', 'team', 'role']).orderBy('id').execute();
  const handle = new Map(users.map((u) => [u.id, u.handle]));
  const managerOf = new Map<string, number>();
  for (const u of users) if (u.role === 'manager' && u.team) managerOf.set(u.team, u.id);
  const teamOf = new Map(users.map((u) => [u.id, u.team ?? '']));

  // A few reps with almost no deals: the newest hire of three teams.
  const quiet = new Set<number>();
  for (const team of ['East (Philadelphia HQ)', 'DACH (Munich)', 'LatAm (São Paulo)']) {
    const reps = people.repIdsByTeam.get(team);
    if (reps && reps.length > 2) quiet.add(reps[reps.length - 1]!);
  }
  const companyIds = new Set(people.companyIds);
  const companies = (await trx.selectFrom('companies').select(['id', 'name', 'country', 'city', 'owner_id']).orderBy('id').execute()).filter((c) => companyIds.has(c.id));
  const contactIds = new Set(people.contactIds);
  const contactsByCompany = new Map<number, number[]>();
  for (const c of await trx.selectFrom('contacts').select(['id', 'company_id']).orderBy('id').execute()) {
    if (!contactIds.has(c.id) || c.company_id === null) continue;
    const list = contactsByCompany.get(c.company_id) ?? [];
    list.push(c.id);
    contactsByCompany.set(c.company_id, list);
  }

  const base = Number((await trx.selectFrom('deals').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);
  let nextId = base;
  const deals: Record<string, unknown>[] = [];
  const history: Record<string, unknown>[] = [];
  const dealContacts: Record<string, unknown>[] = [];
  const milestones: Record<string, unknown>[] = [];
  const tags: Record<string, unknown>[] = [];

  for (const co of companies) {
    const count = rng.pick([0, 1, 1, 2, 2, 2, 3, 3, 4]);
    for (let k = 0; k < count; k++) {
      let owner = co.owner_id ?? rng.pick(people.userIds);
      const teammates = (people.repIdsByTeam.get(teamOf.get(owner) ?? '') ?? []).filter((id) => !quiet.has(id));
      if (rng.chance(0.15) && teammates.length) owner = rng.pick(teammates);
      if (quiet.has(owner) && rng.chance(0.93) && teammates.length) owner = rng.pick(teammates);
      const id = ++nextId;
      const currency = currencyFor(co.country, co.city, rng);
      // Closed deals started up to 14 months ago; open ones mostly in the last four months.
      const outcome = rng.pick(['won', 'won', 'won', 'lost', 'lost', 'lost', 'open', 'open', 'open', 'open'] as const);
      const stale = outcome === 'open' && rng.chance(0.2);
      const ageDays = outcome === 'open' ? (stale ? rng.int(60, 240) : rng.int(2, 60)) : rng.int(30, 420);
      const created = nowMs - ageDays * DAY - rng.int(0, 86399) * 1000;
      const target = outcome === 'open' ? rng.int(0, open.length - 1) : outcome === 'won' ? open.length - 1 : rng.int(0, open.length - 1);
      const actorFor = () => handle.get(rng.chance(0.9) ? owner : (managerOf.get(teamOf.get(owner) ?? '') ?? owner)) ?? 'admin';
      // Walk the stages: each dwell 1–35 days (stale deals stop moving long ago).
      let t = created;
      let stage = outcome === 'won' && rng.chance(0.2) ? open[rng.int(0, 1)]! : open[0]!;
      history.push({ deal_id: id, from_stage_id: null, to_stage_id: stage.id, at: new Date(t).toISOString(), actor: actorFor() });
      let idx = open.indexOf(stage);
      let moves = 0;
      const limit = stale ? nowMs - rng.int(35, 90) * DAY : nowMs - DAY;
      while (idx < target) {
        const next = t + rng.int(1, outcome === 'open' && !stale ? 25 : 35) * DAY + rng.int(0, 86399) * 1000;
        if (next >= limit) break;
        t = next;
        const to = open[++idx]!;
        history.push({ deal_id: id, from_stage_id: stage.id, to_stage_id: to.id, at: new Date(t).toISOString(), actor: actorFor() });
        stage = to;
        moves++;
      }
      let wonAt: string | null = null;
      let lostAt: string | null = null;
      let reason: string | null = null;
      let note: string | null = null;
      const closeAt = t + rng.int(2, 30) * DAY + rng.int(0, 86399) * 1000;
      if (outcome !== 'open' && closeAt < nowMs - DAY) {
        const to = outcome === 'won' ? won : lost;
        history.push({ deal_id: id, from_stage_id: stage.id, to_stage_id: to.id, at: new Date(closeAt).toISOString(), actor: actorFor() });
        stage = to;
        t = closeAt;
        moves++;
        if (outcome === 'won') wonAt = new Date(closeAt).toISOString();
        else {
          lostAt = new Date(closeAt).toISOString();
          reason = rng.pick(weightedReasons);
          note = rng.chance(0.6) ? rng.pick(LOST_NOTES[reason] ?? LOST_NOTES.other!) : null;
        }
      }
      const isOpen = stage.kind === 'open';
      // Open deals: close expected in the coming months — or already past it (about one in six).
      const expected = isOpen
        ? rng.chance(0.17)
          ? nowMs - rng.int(1, 45) * DAY
          : nowMs + rng.int(5, 150) * DAY
        : wonAt
          ? closeAt + rng.int(-10, 10) * DAY
          : created + rng.int(30, 120) * DAY;
      const contacts = contactsByCompany.get(co.id) ?? [];
      const primary = contacts.length ? rng.pick(contacts) : null;
      deals.push({
        id,
        title: rng.pick(PRODUCTS) + rng.pick(SUFFIXES),
        pipeline_id: pipeline.id,
        stage_id: stage.id,
        company_id: co.id,
        contact_id: primary,
        amount_minor: amountMinor(currency, rng),
        currency,
        probability: isOpen && rng.chance(0.1) ? rng.pick([15, 30, 40, 60, 80, 90]) : null,
        expected_close: isoDate(expected),
        owner_id: owner,
        source: rng.pick(SOURCES),
        lost_reason: reason,
        lost_note: note,
        won_at: wonAt,
        lost_at: lostAt,
        stage_entered_at: new Date(t).toISOString(),
        created_at: new Date(created).toISOString(),
        updated_at: new Date(t).toISOString(),
        version: 1 + moves,
      });
      if (primary !== null && rng.chance(0.5)) dealContacts.push({ deal_id: id, contact_id: primary, role: rng.pick(['decision maker', 'champion']) });
      const others = contacts.filter((c) => c !== primary);
      if (others.length && rng.chance(0.35)) dealContacts.push({ deal_id: id, contact_id: rng.pick(others), role: rng.pick(ROLES) });
      if (isOpen && rng.chance(0.2)) {
        milestones.push({ deal_id: id, due_date: isoDate(nowMs + rng.int(-20, 60) * DAY), title: rng.pick(['Site visit', 'Pilot done', 'Technical sign-off', 'Budget approval', 'Sample delivered']), done_at: null });
        if (rng.chance(0.5)) milestones.push({ deal_id: id, due_date: isoDate(nowMs - rng.int(5, 40) * DAY), title: 'Requirements call', done_at: new Date(nowMs - rng.int(5, 40) * DAY).toISOString() });
      }
      const tag = rng.pick(['renewal', 'expansion', 'new-logo', null, null, null]);
      if (tag) tags.push({ entity_type: 'deal', entity_id: id, tag });
    }
  }
  await insertBatched(trx, 'deals', deals, 100);
  await insertBatched(trx, 'deal_stage_history', history);
  await insertBatched(trx, 'deal_contacts', dealContacts);
  await insertBatched(trx, 'deal_milestones', milestones);
  await insertBatched(trx, 'tags', tags);

  // Quarterly quotas for every rep with deals, this quarter and the last, in the team's currency.
  const teamCurrency: Record<string, string> = {
    'East (Philadelphia HQ)': 'USD',
    'DACH (Munich)': 'EUR',
    'Japan (Osaka)': 'JPY',
    'Middle East (Dubai)': 'AED',
    'Iran (Tehran)': 'EUR',
    'LatAm (São Paulo)': 'BRL',
    'China (Shanghai)': 'CNY',
    'CIS (Moscow)': 'RUB',
  };
  const quotas: Record<string, unknown>[] = [];
  for (const [team, reps] of people.repIdsByTeam) {
    const currency = teamCurrency[team] ?? 'USD';
    for (const rep of reps) {
      if (quiet.has(rep)) continue;
      for (const back of [0, 1]) {
        const usd = rng.int(12, 40) * 10000;
        const major = Math.round((usd * (RATE[currency] ?? 1)) / 1000) * 1000;
        quotas.push({ owner_id: rep, period: quarterOf(now, back), amount_minor: major * 10 ** (EXPONENT[currency] ?? 2), currency });
      }
    }
  }
  await insertBatched(trx, 'quotas', quotas);
}
