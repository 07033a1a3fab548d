/**
 * Frozen once shipped. The PostgreSQL twin of SQLite's 0009 (issue 17): a user's OS `login`,
 * their `week_start` (1 = Monday … 7 = Sunday), and roles beyond the first four — the role is
 * checked by the domain's permission table (src/domain/permissions.ts), so the column loses its
 * CHECK. PostgreSQL drops a constraint in place; SQLite had to rebuild the table.
 */
export const version = 9;
export const name = 'user logins, week starts and more roles';

export const sql = `
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD COLUMN login text COLLATE "C", ADD COLUMN week_start integer CHECK (week_start BETWEEN 1 AND 7);
CREATE UNIQUE INDEX users_login ON users(login) WHERE login IS NOT NULL;
`;
