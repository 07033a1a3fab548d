/**
 * Frozen once shipped. Automation (issue #18): rules, the event outbox, the firings that make a
 * rule fire at most once per record per occurrence, and the notifications inbox. Every change
 * writes its events into `events` inside its own write transaction (src/db/outbox.ts, called by
 * recordAudit), so a rolled-back change leaves no event and a committed one is never missed.
 * `rule_firings` is UNIQUE on (rule, record, occurrence) and written in the same transaction as
 * the firing's actions: a crash or a second runner can never make an occurrence fire twice.
 * Plain tables and columns only; the PostgreSQL twin has the same names.
 */
export const version = 13;
export const name = 'automation rules, outbox and inbox';
export const sql = `
CREATE TABLE rules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  trigger TEXT NOT NULL,
  definition TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rules_enabled_trigger ON rules(enabled, trigger);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  data TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  depth INTEGER NOT NULL DEFAULT 0,
  processed_at TEXT
);
CREATE INDEX events_pending ON events(id) WHERE processed_at IS NULL;
CREATE TABLE rule_firings (
  id INTEGER PRIMARY KEY,
  rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  occurrence TEXT NOT NULL,
  event_id INTEGER,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  actions TEXT,
  UNIQUE (rule_id, entity, entity_id, occurrence)
);
CREATE INDEX rule_firings_rule ON rule_firings(rule_id, at);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  rule_id INTEGER REFERENCES rules(id) ON DELETE SET NULL,
  entity TEXT,
  entity_id INTEGER,
  title TEXT NOT NULL,
  body TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
CREATE INDEX auto_contacts_touched ON contacts(last_touched_at);
CREATE INDEX auto_contacts_never_touched ON contacts(created_at) WHERE last_touched_at IS NULL;
CREATE INDEX auto_deals_stage_entered ON deals(stage_entered_at);
CREATE INDEX auto_tickets_unassigned ON tickets(created_at) WHERE assignee_id IS NULL;
-- The shipped examples (crm help automation), installed disabled: crm rule enable NAME.
INSERT INTO rules (name, trigger, definition, enabled, created_at, updated_at) VALUES
('big-deal-quote', 'deal.stage_changed', '{"name":"big-deal-quote","description":"A deal of at least 10,000 reaching Quote: tell the managers, and stock control so production can be prepared","on":"deal.stage_changed","stage":"quote","if":"amount:>=10000","actions":[{"notify":["role:manager","role:stock-control"],"message":"{{deal.title}} ({{deal.amount}}, {{company.name}}) reached {{deal.stage}}."}]}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
('unassigned-ticket', 'ticket.unassigned', '{"name":"unassigned-ticket","description":"A ticket nobody took within 30 business minutes goes to the least-loaded agent","on":"ticket.unassigned","for":"30m","actions":[{"assign":"least-loaded role:agent"}]}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
('first-reply-due', 'sla.due', '{"name":"first-reply-due","description":"A first reply due within 15 minutes: warn the assignee and their manager","on":"sla.due","within":"15m","target":"first_reply","actions":[{"notify":["assignee","manager"],"message":"The first reply on {{record}} is due within 15 minutes."}]}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
('yearly-touch', 'contact.untouched', '{"name":"yearly-touch","description":"Everyone is touched at least once a year: a task for the owner after 330 days without a touch","on":"contact.untouched","for":"330d","actions":[{"task":"Touch base with {{contact.name}}","for":"owner","due":"7d"}]}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
('lost-deal-review', 'deal.lost', '{"name":"lost-deal-review","description":"A deal lost with no next step on it or its company: review it in 90 days","on":"deal.lost","if":"next-step:none","actions":[{"task":"Review lost deal {{deal.title}}","for":"owner","due":"90d"}]}', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
`;
