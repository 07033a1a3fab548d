/**
 * Frozen once shipped. Migration 0029 copied every contact's primary company into
 * contact_companies, but the primary company is already implied by contacts.company_id (the read
 * path lists it as a current membership when no row names it), and `contact edit --company`,
 * import, merge and lead convert write only contacts.company_id: a person moved from A to B kept
 * A listed as current, and a later `--role` lost to the copied role. The copied rows that say
 * nothing the contact does not (no unit, no dates, the same role) are removed; memberships added
 * with `crm contact link` keep their rows. Same text on both engines.
 */
export const version = 33;
export const name = 'implied primary memberships';
export const sql = `
DELETE FROM contact_companies
WHERE unit IS NULL AND started_on IS NULL AND ended_on IS NULL
  AND EXISTS (
    SELECT 1 FROM contacts c
    WHERE c.id = contact_companies.contact_id AND c.company_id = contact_companies.company_id
      AND (contact_companies.role = c.company_role OR (contact_companies.role IS NULL AND c.company_role IS NULL))
  );
`;
