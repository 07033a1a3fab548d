/**
 * Frozen once shipped. Exchange rates (issue #19 item 7): one row per (base, quote, day) —
 * "1 base = rate quote" from that day on, until a later row. The rate is kept as the decimal
 * text it was given (normalised: no sign, no trailing zeros), never as a float, so a conversion
 * is exact before its one rounding to the target's minor unit (src/domain/money.ts). Plain
 * tables and columns only, so the PostgreSQL twin is the same shape.
 */
export const version = 12;
export const name = 'exchange rates';
export const sql = `
CREATE TABLE fx_rates (
  id INTEGER PRIMARY KEY,
  base TEXT NOT NULL,
  quote TEXT NOT NULL,
  day TEXT NOT NULL,
  rate TEXT NOT NULL,
  source TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (base, quote, day)
);
`;
