/**
 * Frozen once shipped. Activities (issue 5): indexes for the timeline of a company or ticket
 * (activities by company_id / ticket_id, so the OR of links is answered from indexes instead of
 * a scan) and for agendas and task lists (open tasks by due date, a partial index).
 */
export const version = 4;
export const name = 'activity indexes';
export const sql = `
CREATE INDEX activities_company ON activities(company_id);
CREATE INDEX activities_ticket ON activities(ticket_id);
CREATE INDEX activities_open_tasks ON activities(due_at) WHERE kind = 'task' AND done_at IS NULL;
`;
