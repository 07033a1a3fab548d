/**
 * Frozen once shipped. A user's own calendar for reading and showing dates (issue 21, item 7):
 * 'persian' reads and shows Jalali dates, NULL the Gregorian default. Dates are stored Gregorian
 * whatever it says. PostgreSQL twin: the same ALTER TABLE (src/db/postgres/migrations/0016).
 */
export const version = 16;
export const name = 'user calendar';
export const sql = `
ALTER TABLE users ADD COLUMN calendar TEXT CHECK (calendar IN ('gregorian', 'persian'));
`;
