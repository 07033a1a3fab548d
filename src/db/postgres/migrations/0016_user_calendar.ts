/**
 * Frozen once shipped. The PostgreSQL twin of SQLite's 0016: a user's own calendar ('persian'
 * reads and shows Jalali dates; NULL the Gregorian default).
 */
export const version = 16;
export const name = 'user calendar';

export const sql = `
ALTER TABLE users ADD COLUMN calendar text CHECK (calendar IN ('gregorian', 'persian'));
`;
