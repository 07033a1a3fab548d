/**
 * Demo exchange rates: each demo currency to USD on the first of every month, four years back
 * to this month, around the rough rates the amounts were made with (./deals.ts) — so
 * `crm report sales --in USD`, `report pipeline --in USD` and the other money reports give
 * one figure on `crm demo`. Deterministic (no RNG): a gentle monthly wave on each rate.
 */
import type { DemoSeeder } from './index.js';
import { RATE } from './deals.js';

export const seedRates: DemoSeeder = async ({ trx, now }) => {
  const at = now.toISOString();
  const rows: { base: string; quote: string; day: string; rate: string; source: string; created_at: string; updated_at: string }[] = [];
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (const [code, perUsd] of Object.entries(RATE)) {
    if (code === 'USD') continue;
    for (let back = 47; back >= 0; back--) {
      const first = new Date(Date.UTC(y, m - back, 1));
      const wave = 1 + 0.03 * Math.sin((first.getUTCFullYear() * 12 + first.getUTCMonth()) / 3 + code.length);
      const usdPerUnit = 1 / (perUsd * wave);
      rows.push({ base: code, quote: 'USD', day: first.toISOString().slice(0, 10), rate: usdPerUnit.toFixed(usdPerUnit < 0.01 ? 8 : 6), source: 'demo', created_at: at, updated_at: at });
    }
  }
  for (let i = 0; i < rows.length; i += 100) await trx.insertInto('fx_rates').values(rows.slice(i, i + 100)).execute();
};
