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
  calendar: Generated<string | null>;
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
  /** The simple form of warranty: the end date (YYYY-MM-DD) of what this customer bought. */
  warranty_until: string | null;
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
  /** A company as the referrer (migration 0030); at most one of this and referred_by_id is set. */
  referred_by_company_id: number | null;
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
  /** new, working, qualified, disqualified, converted (src/domain/leads.ts). */
  lead_status: Generated<string>;
  lead_reason: string | null;
  converted_at: string | null;
  converted_deal_id: number | null;
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
  /** The contact filter the campaign targets (usually segment:NAME); null: none. */
  audience: Generated<string | null>;
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
  /** Free-text product the ticket is about (report recurring --by product). */
  product: string | null;
  /** Warranty end date (YYYY-MM-DD) of the installed product; else the company's applies. */
  warranty_until: string | null;
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
  /** A macro's ticket actions (crm ticket reply --template): status, priority, comma-separated tags to add. */
  ticket_status: string | null;
  ticket_priority: string | null;
  ticket_tags: string | null;
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

export interface FxRatesTable {
  id: Generated<number>;
  base: string;
  quote: string;
  /** YYYY-MM-DD: the rate holds from this day on, until a later row of the pair. */
  day: string;
  /** Decimal text, "1 base = rate quote" (never a float). */
  rate: string;
  source: string | null;
  created_at: string;
  updated_at: string;
}

/** One imported email (crm mail import), by Message-ID: what it became and who it was between. */
export interface MailMessagesTable {
  id: Generated<number>;
  message_id: string;
  direction: 'in' | 'out';
  from_address: string | null;
  /** Comma-separated addresses (To and Cc). */
  to_addresses: string | null;
  subject: string | null;
  sent_at: string;
  /** ticket (opened one), reply (a customer message on one), activity (an email activity). */
  outcome: string;
  ticket_id: number | null;
  activity_id: number | null;
  contact_id: number | null;
  attachment_count: Generated<number>;
  /** JSON array of the attachments' file names (as stored, or as named when skipped). */
  attachment_names: string | null;
  attachment_dir: string | null;
  imported_at: string;
  imported_by: string;
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
  /** The run actions' results (JSON: command, exit code, signal, timed out, stdout, stderr); migration 25. */
  output: string | null;
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

export interface ProductsTable {
  id: Generated<number>;
  sku: string;
  name: string;
  description: string | null;
  unit: string | null;
  tax_rate_ppm: Generated<number>;
  warranty_months: number | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  /** Bumped by every change (edit, import); `crm import undo` checks it. */
  version: Generated<number>;
}

export interface ProductPricesTable {
  product_id: number;
  currency: string;
  unit_price_minor: number;
}

/** Columns every sales document (quote, order, invoice) shares. */
interface DocumentColumns {
  id: Generated<number>;
  company_id: number | null;
  owner_id: number | null;
  currency: string;
  tax_mode: Generated<string>;
  status: Generated<string>;
  notes: string | null;
  subtotal_minor: Generated<number>;
  tax_minor: Generated<number>;
  total_minor: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface QuotesTable extends DocumentColumns {
  number: string;
  revision: Generated<number>;
  deal_id: number;
  contact_id: number | null;
  issued_on: string;
  valid_until: string | null;
  sent_at: string | null;
  decided_at: string | null;
}

export interface OrdersTable extends DocumentColumns {
  number: string;
  quote_id: number | null;
  deal_id: number | null;
  contact_id: number | null;
  ordered_on: string;
  fulfilled_on: string | null;
  cancelled_at: string | null;
  customer_reference: string | null;
}

export interface InvoicesTable extends DocumentColumns {
  number: string;
  order_id: number | null;
  issue_date: string;
  due_date: string;
  voided_at: string | null;
}

export interface PaymentsTable {
  id: Generated<number>;
  invoice_id: number;
  amount_minor: number;
  paid_on: string;
  reference: string | null;
  created_by: string | null;
  created_at: string;
}

export interface DocumentLinesTable {
  id: Generated<number>;
  document_kind: string;
  document_id: number;
  position: number;
  product_id: number | null;
  sku: string | null;
  description: string;
  unit: string | null;
  quantity_milli: number;
  unit_price_minor: number;
  discount_ppm: number | null;
  discount_minor: number | null;
  tax_rate_ppm: Generated<number>;
  net_minor: number;
  tax_minor: number;
}

export interface ContractsTable {
  id: Generated<number>;
  title: string;
  company_id: number;
  order_id: number | null;
  owner_id: number | null;
  start_date: string;
  end_date: string | null;
  renewal_date: string | null;
  value_minor: number | null;
  currency: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
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
  ticket_sla_due: TicketSlaDueTable;
  activities: ActivitiesTable;
  templates: TemplatesTable;
  import_runs: ImportRunsTable;
  import_run_rows: ImportRunRowsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  field_definitions: FieldDefinitionsTable;
  segments: SegmentsTable;
  kb_articles: KbArticlesTable;
  kb_article_versions: KbArticleVersionsTable;
  kb_ticket_links: KbTicketLinksTable;
  problems: ProblemsTable;
  problem_tickets: ProblemTicketsTable;
  fx_rates: FxRatesTable;
  psych_notes: PsychNotesTable;
  contact_companies: ContactCompaniesTable;
  mail_messages: MailMessagesTable;
  products: ProductsTable;
  product_prices: ProductPricesTable;
  quotes: QuotesTable;
  orders: OrdersTable;
  invoices: InvoicesTable;
  payments: PaymentsTable;
  document_lines: DocumentLinesTable;
  contracts: ContractsTable;
  rules: RulesTable;
  events: EventsTable;
  rule_firings: RuleFiringsTable;
  notifications: NotificationsTable;
}

/**
 * Stored SLA deadlines of a ticket (migration 0024, src/domain/sla-due.ts): the instant each
 * running metric is due (or breached), NULL when stopped, paused or without a target; `version`
 * is the ticket version they were computed from.
 */
export interface TicketSlaDueTable {
  ticket_id: number;
  version: number;
  first_reply_due: string | null;
  next_reply_due: string | null;
  resolution_due: string | null;
}

export type KbAudience = 'internal' | 'public';

export interface KbArticlesTable {
  id: Generated<number>;
  title: string;
  body: string;
  product: string | null;
  audience: Generated<string>;
  /** The current version's number; every earlier one is a row of kb_article_versions. */
  version: Generated<number>;
  created_by: string;
  updated_by: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface KbArticleVersionsTable {
  id: Generated<number>;
  article_id: number;
  version: number;
  title: string;
  body: string;
  product: string | null;
  audience: string;
  /** The tags then, comma-separated. */
  tags: string | null;
  edited_by: string;
  edited_at: string;
}

export interface KbTicketLinksTable {
  article_id: number;
  ticket_id: number;
  linked_by: string;
  linked_at: string;
}

export interface ProblemsTable {
  id: Generated<number>;
  title: string;
  status: Generated<string>;
  owner_id: number | null;
  root_cause: string | null;
  fix_version: string | null;
  product: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  version: Generated<number>;
}

export interface ProblemTicketsTable {
  problem_id: number;
  ticket_id: number;
  linked_by: string;
  linked_at: string;
}

/** Psychological notes on a contact: append-only, author and time kept (issue 21). */
/** A person's membership of a company, current (ended_on null or ahead) or past (migration 0029). */
export interface ContactCompaniesTable {
  id: Generated<number>;
  contact_id: number;
  company_id: number;
  role: string | null;
  unit: string | null;
  started_on: string | null;
  ended_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface PsychNotesTable {
  id: Generated<number>;
  contact_id: number;
  body: string;
  author: string;
  created_at: string;
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
