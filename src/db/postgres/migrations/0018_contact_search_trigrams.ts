/**
 * Frozen once shipped. `crm contact find` (and contact list's free text) on a server with many
 * contacts: search_text LIKE '%word%' (and the company's name_fold) answered by trigram indexes
 * (pg_trgm, shipped with PostgreSQL as a trusted extension the database owner may create)
 * instead of reading every row. A server without pg_trgm, or a migrating role not allowed to
 * create it, still migrates: search then reads every row, as on SQLite. SQLite's twin does nothing.
 */
export const version = 18;
export const name = 'contact search trigrams (PostgreSQL only)';

export const sql = `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_trgm not created (%): contact search reads every row', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX contacts_search_trgm ON contacts USING gin (search_text gin_trgm_ops);
    CREATE INDEX companies_name_trgm ON companies USING gin (name_fold gin_trgm_ops);
  END IF;
END
$$;
`;
