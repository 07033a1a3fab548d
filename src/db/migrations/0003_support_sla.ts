/**
 * Frozen once shipped. Support and SLAs (issue 4): optimistic-locking versions on calendars and
 * SLA policies, an index for ticket lists and reports by creation time, and the built-in default
 * SLA policy — the last, catch-all entry, measured in calendar time (it has no calendar).
 */
export const version = 3;
export const name = 'support tickets and SLA policies';
export const sql = `
ALTER TABLE calendars ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sla_policies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX ticket_events_at ON ticket_events(at);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies(is_default) WHERE is_default = 1;

INSERT INTO sla_policies (name, position, conditions, targets, calendar_id, is_default, created_at, updated_at)
VALUES ('default', 0, '{}',
  '{"firstReply":{"low":"24h","normal":"8h","high":"4h","urgent":"1h"},"nextReply":{"low":"48h","normal":"24h","high":"8h","urgent":"2h"},"resolution":{"low":"10d","normal":"5d","high":"2d","urgent":"8h"},"calendarTime":[]}',
  NULL, 1, strftime('%Y-%m-%dT%H:%M:%fZ','now'), strftime('%Y-%m-%dT%H:%M:%fZ','now'));
`;
