/**
 * The Kysely view of the database. Nullable columns are `T | null`, never optional;
 * columns with a database default are Generated<>.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  handle: string;
  name: string;
  email: string | null;
  /** One of ROLES in src/domain/permissions.ts (the domain checks it; the column does not). */
  role: Generated<string>;
  team: string | null;
  timezone: string | null;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
  /** The OS login (or PostgreSQL role) that is this user, when it differs from the handle. */
  login: Generated<string | null>;
  /** 1 = Monday … 7 = Sunday (ISO); null: the database's default. */
  week_start: Generated<number | null>;
}

export interface CompaniesTable {
  id: Generated<number>;
  name: string;
  name_fold: string;
  domain: string | null;
  industry: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  postal_code: string | null;
  tier: string | null;
  source: string | null;
  owner_id: number | null;
  notes: string | null;
  external_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  version: Generated<number>;
}

export type Lifecycle = 'lead' | 'prospect' | 'customer' | 'inactive';

export interface ContactsTable {
  id: Generated<number>;
  first_name: Generated<string>;
  last_name: Generated<string>;
  prefix: string | null;
  title: string | null;
  email: string | null;
  email_norm: string | null;
  phone: string | null;
  mobile: string | null;
  company_id: number | null;
  company_role: string | null;
  lifecycle: Generated<Lifecycle>;
  source: string | null;
  referred_by_id: number | null;
  owner_id: number | null;
  notes: string | null;
  search_text: Generated<string>;
  last_touched_at: string | null;
  external_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  version: Generated<number>;
}

export interface TagsTable {
  entity_type: string;
  entity_id: number;
  tag: string;
}

export interface PipelinesTable {
  id: Generated<number>;
  name: string;
  is_default: Generated<number>;
  created_at: string;
  archived_at: string | null;
}

export type StageKind = 'open' | 'won' | 'lost';

export interface StagesTable {
  id: Generated<number>;
  pipeline_id: number;
  name: string;
  position: number;
  probability: Generated<number>;
  kind: Generated<StageKind>;
  archived_at: string | null;
}

export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  channel: string | null;
  currency: string | null;
  budget_minor: number | null;
  cost_minor: number | null;
  start_date: string | null;
  end_date: string | null;
  goal: string | null;
  goal_amount: number | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface DealsTable {
  id: Generated<number>;
  title: string;
  pipeline_id: number;
  stage_id: number;
  company_id: number | null;
  contact_id: number | null;
  amount_minor: Generated<number>;
  currency: Generated<string>;
  probability: number | null;
  expected_close: string | null;
  owner_id: number | null;
  source: string | null;
  campaign_id: number | null;
  lost_reason: string | null;
  lost_note: string | null;
  won_at: string | null;
  lost_at: string | null;
  stage_entered_at: string;
  external_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  version: Generated<number>;
}

export interface DealContactsTable {
  deal_id: number;
  contact_id: number;
  role: string | null;
}

export interface DealMilestonesTable {
  id: Generated<number>;
  deal_id: number;
  due_date: string | null;
  title: string;
  done_at: string | null;
}

export interface DealStageHistoryTable {
  id: Generated<number>;
  deal_id: number;
  from_stage_id: number | null;
  to_stage_id: number;
  at: string;
  actor: string;
}

export interface LostReasonsTable {
  id: Generated<number>;
  name: string;
  active: Generated<number>;
}

export interface QuotasTable {
  id: Generated<number>;
  owner_id: number;
  period: string;
  amount_minor: number;
  currency: string;
}

export interface CalendarsTable {
  id: Generated<number>;
  name: string;
  timezone: string;
  /** JSON: per weekday, a list of [start, end] "HH:MM" intervals. */
  hours: string;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface CalendarHolidaysTable {
  calendar_id: number;
  date: string;
  name: string | null;
}

export interface SlaPoliciesTable {
  id: Generated<number>;
  name: string;
  position: number;
  /** JSON conditions: { priority?: [], category?: [], tier?: [], channel?: [] } */
  conditions: Generated<string>;
  /** JSON targets per metric and priority. */
  targets: Generated<string>;
  calendar_id: number | null;
  is_default: Generated<number>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  version: Generated<number>;
}

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

export interface TicketsTable {
  id: Generated<number>;
  subject: string;
  description: string | null;
  contact_id: number | null;
  company_id: number | null;
  priority: Generated<TicketPriority>;
  status: Generated<TicketStatus>;
  assignee_id: number | null;
  channel: string | null;
  category: string | null;
  satisfaction: number | null;
  sla_policy_id: number | null;
  external_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  solved_at: string | null;
  closed_at: string | null;
  version: Generated<number>;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  kind: string;
  body: string | null;
  from_value: string | null;
  to_value: string | null;
  actor: string;
  at: string;
}

export interface ActivitiesTable {
  id: Generated<number>;
  kind: string;
  subject: string;
  body: string | null;
  contact_id: number | null;
  company_id: number | null;
  deal_id: number | null;
  ticket_id: number | null;
  occurred_at: string | null;
  duration_minutes: number | null;
  due_at: string | null;
  done_at: string | null;
  owner_id: number | null;
  created_by: string;
  follow_up_of_id: number | null;
  external_id: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface TemplatesTable {
  id: Generated<number>;
  name: string;
  subject: string | null;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface ImportRunsTable {
  id: Generated<number>;
  entity: string;
  files: string;
  file_hash: string;
  options: string | null;
  actor: string;
  started_at: string;
  finished_at: string | null;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  unchanged_count: Generated<number>;
  rejected_count: Generated<number>;
  status: Generated<string>;
  undone_at: string | null;
}

export interface ImportRunRowsTable {
  run_id: number;
  row_number: number;
  outcome: string;
  entity_id: number | null;
  before: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  entity: string;
  entity_id: number;
  action: string;
  changes: string | null;
  actor: string;
  at: string;
}

export interface FieldDefinitionsTable {
  id: Generated<number>;
  entity: string;
  name: string;
  label: string;
  type: string;
  /** JSON array of the allowed values of a choice or multi field. */
  choices: string | null;
  required: Generated<number>;
  builtin: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SegmentsTable {
  id: Generated<number>;
  name: string;
  entity: string;
  filter: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** An automation rule (src/automation): `definition` is the rule as JSON (trigger, condition, actions). */
export interface RulesTable {
  id: Generated<number>;
  name: string;
  /** The event kind or time trigger (deal.stage_changed, ticket.unassigned, schedule …), indexed for the write path. */
  trigger: string;
  definition: string;
  enabled: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

/** The outbox: one row per event, written in the transaction of the change (src/db/outbox.ts). */
export interface EventsTable {
  id: Generated<number>;
  kind: string;
  entity: string;
  entity_id: number;
  data: string | null;
  actor: string;
  at: string;
  /** 0 for a person's change; n + 1 for a change a rule made while handling an event of depth n. */
  depth: Generated<number>;
  processed_at: string | null;
}

export interface RuleFiringsTable {
  id: Generated<number>;
  rule_id: number;
  entity: string;
  entity_id: number;
  occurrence: string;
  event_id: number | null;
  at: string;
  outcome: string;
  actions: string | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  rule_id: number | null;
  entity: string | null;
  entity_id: number | null;
  title: string;
  body: string | null;
  created_at: string;
  read_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  companies: CompaniesTable;
  contacts: ContactsTable;
  tags: TagsTable;
  pipelines: PipelinesTable;
  stages: StagesTable;
  campaigns: CampaignsTable;
  deals: DealsTable;
  deal_contacts: DealContactsTable;
  deal_milestones: DealMilestonesTable;
  deal_stage_history: DealStageHistoryTable;
  lost_reasons: LostReasonsTable;
  quotas: QuotasTable;
  calendars: CalendarsTable;
  calendar_holidays: CalendarHolidaysTable;
  sla_policies: SlaPoliciesTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  activities: ActivitiesTable;
  templates: TemplatesTable;
  import_runs: ImportRunsTable;
  import_run_rows: ImportRunRowsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  field_definitions: FieldDefinitionsTable;
  segments: SegmentsTable;
  rules: RulesTable;
  events: EventsTable;
  rule_firings: RuleFiringsTable;
  notifications: NotificationsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Company = Selectable<CompaniesTable>;
export type NewCompany = Insertable<CompaniesTable>;
export type CompanyUpdate = Updateable<CompaniesTable>;
export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type Activity = Selectable<ActivitiesTable>;
export type Template = Selectable<TemplatesTable>;
export type Calendar = Selectable<CalendarsTable>;
export type SlaPolicy = Selectable<SlaPoliciesTable>;
export type Ticket = Selectable<TicketsTable>;
export type TicketEvent = Selectable<TicketEventsTable>;
