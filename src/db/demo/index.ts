/**
 * The demo database: realistic, deterministic (seeded RNG + the context clock), built in one
 * write transaction. Later modules add a seeder to DEMO_SEEDERS; each gets what came before.
 */
import type { AnyDb } from '../engine.js';
import { writeTransaction, type Trx } from '../transaction.js';
import { seedDeals } from './deals.js';
import { seedPeople, type PeopleSeed } from './people.js';
import { createRng, type Rng } from './random.js';
import { seedActivities } from './activities.js';
import { seedTickets } from './tickets.js';
import { seedSales } from './sales.js';
import { seedRates } from './rates.js';

export interface DemoContext {
  trx: Trx;
  rng: Rng;
  now: Date;
  people: PeopleSeed;
}

export type DemoSeeder = (d: DemoContext) => Promise<void>;

/** Extra seeders, run in order after people (pipeline, tickets, activities… add theirs here). */
export const DEMO_SEEDERS: { name: string; seed: DemoSeeder }[] = [
  { name: 'deals', seed: seedDeals },
  { name: 'tickets', seed: seedTickets },
  // Activities last: they link to deals seeded before them.
  { name: 'activities', seed: seedActivities },
  // Sales documents after everything else: the data seeded before them stays as it was.
  { name: 'sales', seed: seedSales },
  // Exchange rates to USD, so every money report takes --in USD on the demo.
  { name: 'rates', seed: seedRates },
];

export interface DemoCounts {
  [table: string]: number;
}

export async function seedDemo(db: AnyDb, opts: { now: Date; seed?: number }): Promise<DemoCounts> {
  const rng = createRng(opts.seed ?? 20261120);
  await writeTransaction(db, async (trx) => {
    const people = await seedPeople(trx, rng, opts.now);
    for (const s of DEMO_SEEDERS) await s.seed({ trx, rng, now: opts.now, people });
  });
  const counts: DemoCounts = {};
  for (const table of ['users', 'companies', 'contacts', 'deals', 'tickets', 'activities', 'products', 'quotes', 'orders', 'invoices', 'fx_rates'] as const) {
    const row = await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
