/**
 * Frozen once shipped. Activities by deal and by ticket: most activities have neither, and
 * once ANALYZE has run (`PRAGMA optimize` on close runs it when the statistics are stale)
 * sqlite_stat1 counted all those NULLs as one key, so the planner expected thousands of rows per
 * deal or ticket and scanned every activity for a company's timeline (an OR over company,
 * contacts, deals and tickets). Partial indexes hold only the linked activities: the statistics
 * describe real lookups and the OR is answered from the indexes again.
 */
export const version = 6;
export const name = 'partial activity link indexes';
export const sql = `
DROP INDEX activities_deal;
CREATE INDEX activities_deal ON activities(deal_id) WHERE deal_id IS NOT NULL;
DROP INDEX activities_ticket;
CREATE INDEX activities_ticket ON activities(ticket_id) WHERE ticket_id IS NOT NULL;
`;
