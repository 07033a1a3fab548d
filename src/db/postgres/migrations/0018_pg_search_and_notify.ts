/**
 * Frozen once shipped. PostgreSQL only (SQLite's twin does nothing):
 *
 * - `crm contact find` (and contact list's free text) on a server with many contacts:
 *   search_text LIKE '%word%' (and the company's name_fold) answered by trigram indexes (pg_trgm,
 *   shipped with PostgreSQL as a trusted extension the database owner may create) instead of
 *   reading every row. A server without pg_trgm, or a role not allowed to create it, still
 *   migrates: search then reads every row, as on SQLite.
 * - The live TUI: every statement that changes a table NOTIFYs crm_changes (delivered when its
 *   transaction commits; one per transaction), so writes made outside crm's own write path — a
 *   bulk import, psql — reach a TUI too. crm's write transactions notify by themselves as well
 *   (postgres/transaction.ts), which covers tables added by later migrations.
 */
export const version = 18;
export const name = 'contact search trigrams, change notifications (PostgreSQL only)';

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

CREATE FUNCTION crm_notify_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM pg_notify('crm_changes', '');
  RETURN NULL;
END
$f$;

DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY tablename LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION crm_notify_change()', t || '_notify', t);
  END LOOP;
END
$$;
`;
