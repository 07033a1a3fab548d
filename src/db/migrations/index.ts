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
import * as m0013 from './0013_automation.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [m0001, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0013];

export const latestVersion = migrations[migrations.length - 1]!.version;
