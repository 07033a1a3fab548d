/** Every migration, in order. Add new numbered files here; never edit a shipped one. */
import * as m0001 from './0001_initial.js';
import * as m0003 from './0003_support_sla.js';
import * as m0004 from './0004_activity_indexes.js';
import * as m0005 from './0005_ticket_company_index.js';
import * as m0006 from './0006_partial_link_indexes.js';
import * as m0007 from './0007_ticket_contact_index.js';
import * as m0008 from './0008_contact_link_indexes.js';
import * as m0009 from './0009_users_access.js';
import * as m0010 from './0010_custom_fields_segments.js';
import * as m0011 from './0011_sales_documents.js';
import * as m0012 from './0012_fx_rates.js';
import * as m0013 from './0013_automation.js';
import * as m0014 from './0014_kb_problems_warranty.js';
import * as m0015 from './0015_mail_messages.js';
import * as m0016 from './0016_user_calendar.js';
import * as m0018 from './0018_pg_search_and_notify.js';
import * as m0019 from './0019_campaign_audience.js';
import * as m0021 from './0021_purchase_indexes.js';
import * as m0022 from './0022_leads.js';
import * as m0023 from './0023_ticket_events_sla_index.js';
import * as m0024 from './0024_ticket_sla_due.js';
import * as m0025 from './0025_rule_command_output.js';
import * as m0026 from './0026_product_version.js';
import * as m0029 from './0029_contact_companies.js';
import * as m0030 from './0030_referrer_company.js';
import * as m0032 from './0032_contacts_live.js';
import * as m0033 from './0033_implied_primary_memberships.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [m0001, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0015, m0016, m0018, m0019, m0021, m0022, m0023, m0024, m0025, m0026, m0029, m0030, m0032, m0033];

export const latestVersion = migrations[migrations.length - 1]!.version;
