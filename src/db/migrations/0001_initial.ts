/**
 * Frozen: never edit a migration that has shipped; add a new numbered file instead.
 * The first cut of DESIGN.md §3, for every module, so later work extends rather than races.
 */
export const version = 1;
export const name = 'initial schema';
export const sql = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL DEFAULT 'rep' CHECK (role IN ('rep','manager','agent','admin')),
  team TEXT,
  timezone TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE companies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_fold TEXT NOT NULL,
  domain TEXT,
  industry TEXT,
  phone TEXT,
  website TEXT,
  address TEXT,
  city TEXT,
  region TEXT,
  country TEXT,
  postal_code TEXT,
  tier TEXT,
  source TEXT,
  owner_id INTEGER REFERENCES users(id),
  notes TEXT,
  external_id TEXT,
  custom_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX companies_name_fold ON companies(name_fold);
CREATE UNIQUE INDEX companies_external_id ON companies(external_id) WHERE external_id IS NOT NULL;

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  prefix TEXT,
  title TEXT,
  email TEXT,
  email_norm TEXT,
  phone TEXT,
  mobile TEXT,
  company_id INTEGER REFERENCES companies(id),
  company_role TEXT,
  lifecycle TEXT NOT NULL DEFAULT 'lead' CHECK (lifecycle IN ('lead','prospect','customer','inactive')),
  source TEXT,
  referred_by_id INTEGER REFERENCES contacts(id),
  owner_id INTEGER REFERENCES users(id),
  notes TEXT,
  search_text TEXT NOT NULL DEFAULT '',
  last_touched_at TEXT,
  external_id TEXT,
  custom_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX contacts_email_norm ON contacts(email_norm) WHERE email_norm IS NOT NULL;
CREATE UNIQUE INDEX contacts_external_id ON contacts(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_owner ON contacts(owner_id);

CREATE TABLE tags (
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity_id, tag)
);
CREATE INDEX tags_by_tag ON tags(entity_type, tag);

CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  archived_at TEXT
);

CREATE TABLE stages (
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  probability INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
  kind TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open','won','lost')),
  archived_at TEXT,
  UNIQUE (pipeline_id, name)
);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  channel TEXT,
  currency TEXT,
  budget_minor INTEGER,
  cost_minor INTEGER,
  start_date TEXT,
  end_date TEXT,
  goal TEXT,
  goal_amount INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);

CREATE TABLE deals (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  stage_id INTEGER NOT NULL REFERENCES stages(id),
  company_id INTEGER REFERENCES companies(id),
  contact_id INTEGER REFERENCES contacts(id),
  amount_minor INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT 'USD',
  probability INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
  expected_close TEXT,
  owner_id INTEGER REFERENCES users(id),
  source TEXT,
  campaign_id INTEGER REFERENCES campaigns(id),
  lost_reason TEXT,
  lost_note TEXT,
  won_at TEXT,
  lost_at TEXT,
  stage_entered_at TEXT NOT NULL,
  external_id TEXT,
  custom_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deals_stage ON deals(stage_id);
CREATE INDEX deals_owner ON deals(owner_id);
CREATE INDEX deals_company ON deals(company_id);
CREATE UNIQUE INDEX deals_external_id ON deals(external_id) WHERE external_id IS NOT NULL;

CREATE TABLE deal_contacts (
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  role TEXT,
  PRIMARY KEY (deal_id, contact_id)
);

CREATE TABLE deal_milestones (
  id INTEGER PRIMARY KEY,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  due_date TEXT,
  title TEXT NOT NULL,
  done_at TEXT
);

CREATE TABLE deal_stage_history (
  id INTEGER PRIMARY KEY,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  from_stage_id INTEGER REFERENCES stages(id),
  to_stage_id INTEGER NOT NULL REFERENCES stages(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history(deal_id, at);

CREATE TABLE lost_reasons (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE quotas (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  period TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  UNIQUE (owner_id, period, currency)
);

CREATE TABLE calendars (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  timezone TEXT NOT NULL,
  hours TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE calendar_holidays (
  calendar_id INTEGER NOT NULL REFERENCES calendars(id),
  date TEXT NOT NULL,
  name TEXT,
  PRIMARY KEY (calendar_id, date)
);

CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL,
  conditions TEXT NOT NULL DEFAULT '{}',
  targets TEXT NOT NULL DEFAULT '{}',
  calendar_id INTEGER REFERENCES calendars(id),
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  description TEXT,
  contact_id INTEGER REFERENCES contacts(id),
  company_id INTEGER REFERENCES companies(id),
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','open','pending','on_hold','solved','closed')),
  assignee_id INTEGER REFERENCES users(id),
  channel TEXT,
  category TEXT,
  satisfaction INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
  sla_policy_id INTEGER REFERENCES sla_policies(id),
  external_id TEXT,
  custom_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  solved_at TEXT,
  closed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_status ON tickets(status);
CREATE INDEX tickets_assignee ON tickets(assignee_id);
CREATE UNIQUE INDEX tickets_external_id ON tickets(external_id) WHERE external_id IS NOT NULL;

CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  kind TEXT NOT NULL,
  body TEXT,
  from_value TEXT,
  to_value TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, at);

CREATE TABLE activities (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT,
  contact_id INTEGER REFERENCES contacts(id),
  company_id INTEGER REFERENCES companies(id),
  deal_id INTEGER REFERENCES deals(id),
  ticket_id INTEGER REFERENCES tickets(id),
  occurred_at TEXT,
  duration_minutes INTEGER,
  due_at TEXT,
  done_at TEXT,
  owner_id INTEGER REFERENCES users(id),
  created_by TEXT NOT NULL,
  follow_up_of_id INTEGER REFERENCES activities(id),
  external_id TEXT,
  custom_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX activities_contact ON activities(contact_id);
CREATE INDEX activities_deal ON activities(deal_id);
CREATE INDEX activities_owner_due ON activities(owner_id, due_at);
CREATE INDEX activities_occurred ON activities(occurred_at);

CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  subject TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  files TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  options TEXT,
  actor TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  created_count INTEGER NOT NULL DEFAULT 0,
  updated_count INTEGER NOT NULL DEFAULT 0,
  unchanged_count INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'running',
  undone_at TEXT
);

CREATE TABLE import_run_rows (
  run_id INTEGER NOT NULL REFERENCES import_runs(id),
  row_number INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  entity_id INTEGER,
  before TEXT,
  PRIMARY KEY (run_id, row_number)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  changes TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

INSERT INTO pipelines (id, name, is_default, created_at) VALUES (1, 'Sales', 1, strftime('%Y-%m-%dT%H:%M:%fZ','now'));
INSERT INTO stages (pipeline_id, name, position, probability, kind) VALUES
  (1, 'Prospecting', 1, 10, 'open'),
  (1, 'Qualification', 2, 25, 'open'),
  (1, 'Quote', 3, 50, 'open'),
  (1, 'Negotiation', 4, 75, 'open'),
  (1, 'Won', 5, 100, 'won'),
  (1, 'Lost', 6, 0, 'lost');
INSERT INTO lost_reasons (name) VALUES ('price'), ('competitor'), ('no budget'), ('no decision'), ('timing'), ('product fit'), ('other');
`;
