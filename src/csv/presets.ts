/**
 * Moving in from other CRMs: what their export files call each column and each value, as data.
 * `crm import … --from hubspot` uses one preset; without --from, a header that carries a
 * product's signature columns picks its preset (said on stderr). A preset adds column names
 * (after the user's --map, before the generic aliases of src/csv/entities.ts) and value
 * translations (after the user's --map-status / --map-lifecycle / --map-value). Nothing here is
 * engine-specific: the importer reads the result through the Mapping (src/csv/mapping.ts).
 *
 * Column and value names follow each product's own export (see test/fixtures/crm-exports/SOURCE.md).
 */
import type { EntityName } from './entities.js';
import { headerKey } from './mapping.js';

export const PRESET_NAMES = ['hubspot', 'freshdesk', 'zendesk', 'salesforce', 'pipedrive', 'zoho'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface ImportPreset {
  label: string;
  /** Header column sets that identify the product's export: all of one set present = this product. */
  signatures: string[][];
  /** Per entity: the product's column header → our field. */
  columns: Partial<Record<EntityName, Record<string, string>>>;
  /** Per entity and field: the product's value (any case, spaces/_/- alike) → ours. */
  values: Partial<Record<EntityName, Record<string, Record<string, string>>>>;
}

/** HubSpot's default lifecycle stages (labels and internal names) → crm's lifecycle. */
const HUBSPOT_LIFECYCLE: Record<string, string> = {
  subscriber: 'lead',
  lead: 'lead',
  'marketing qualified lead': 'lead',
  marketingqualifiedlead: 'lead',
  mql: 'lead',
  'sales qualified lead': 'prospect',
  salesqualifiedlead: 'prospect',
  sql: 'prospect',
  opportunity: 'prospect',
  customer: 'customer',
  evangelist: 'customer',
  other: 'lead',
};

/** HubSpot's default sales pipeline stages (labels and internal names) → crm's default stages. */
const HUBSPOT_DEAL_STAGES: Record<string, string> = {
  'appointment scheduled': 'Prospecting',
  appointmentscheduled: 'Prospecting',
  'qualified to buy': 'Qualification',
  qualifiedtobuy: 'Qualification',
  'presentation scheduled': 'Qualification',
  presentationscheduled: 'Qualification',
  'decision maker bought in': 'Quote',
  decisionmakerboughtin: 'Quote',
  'contract sent': 'Negotiation',
  contractsent: 'Negotiation',
  'closed won': 'Won',
  closedwon: 'Won',
  'closed lost': 'Lost',
  closedlost: 'Lost',
};

/** HubSpot's default support pipeline statuses → crm's ticket statuses. */
const HUBSPOT_TICKET_STATUS: Record<string, string> = {
  new: 'new',
  'waiting on contact': 'pending',
  'waiting on us': 'open',
  closed: 'closed',
};

const PRIORITY: Record<string, string> = { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' };

export const PRESETS: Record<PresetName, ImportPreset> = {
  hubspot: {
    label: 'HubSpot',
    signatures: [['Record ID', 'Lifecycle Stage'], ['Record ID', 'Company Domain Name'], ['Record ID', 'Company owner'], ['Record ID', 'Contact owner'], ['Record ID', 'Deal Stage'], ['Record ID', 'Deal Name'], ['Ticket ID', 'Ticket status'], ['Ticket ID', 'Ticket name']],
    columns: {
      contacts: { 'Record ID': 'external_id', 'Contact owner': 'owner', 'Lifecycle Stage': 'lifecycle', 'Company Name': 'company', 'Phone Number': 'phone', 'Mobile Phone Number': 'mobile', 'Create Date': 'created', 'Original Source': 'source' },
      companies: { 'Record ID': 'external_id', 'Company name': 'name', 'Company Domain Name': 'domain', 'Company owner': 'owner', 'Create Date': 'created' },
      deals: { 'Record ID': 'external_id', 'Deal Name': 'title', 'Deal Stage': 'stage', 'Deal owner': 'owner', 'Close Date': 'expected_close', 'Create Date': 'created', 'Amount': 'amount', 'Currency': 'currency', 'Deal currency code': 'currency', 'Associated Company': 'company', 'Company Domain Name': 'company_domain', 'Associated Company Domain': 'company_domain' },
      tickets: { 'Ticket ID': 'external_id', 'Ticket name': 'subject', 'Ticket description': 'description', 'Ticket status': 'status', 'Priority': 'priority', 'Ticket owner': 'assignee', 'Create date': 'created', 'Close date': 'closed', 'Source': 'channel', 'Category': 'category', 'Associated Contact': 'requester', 'Associated Company': 'company', 'Pipeline': 'custom:pipeline' },
    },
    values: {
      contacts: { lifecycle: HUBSPOT_LIFECYCLE },
      deals: { stage: HUBSPOT_DEAL_STAGES },
      tickets: { status: HUBSPOT_TICKET_STATUS, priority: PRIORITY },
    },
  },
  freshdesk: {
    label: 'Freshdesk',
    signatures: [['Ticket ID', 'Resolved time'], ['Ticket ID', 'Due by Time'], ['Ticket ID', 'First response time (in hrs)']],
    columns: {
      tickets: { 'Ticket ID': 'external_id', 'Subject': 'subject', 'Description': 'description', 'Status': 'status', 'Priority': 'priority', 'Source': 'channel', 'Type': 'category', 'Agent': 'assignee', 'Created time': 'created', 'Last update time': 'updated', 'Initial response time': 'first_response', 'Resolved time': 'solved', 'Closed time': 'closed', 'Full name': 'requester_name', 'Email': 'requester_email', 'Contact ID': 'custom:freshdesk_contact_id', 'Company Name': 'company', 'Tags': 'tags', 'Survey results': 'custom:survey_results' },
      contacts: { 'Contact ID': 'external_id', 'Full name': 'name', 'Email': 'email', 'Work phone': 'phone', 'Mobile phone': 'mobile', 'Company': 'company', 'Title': 'title' },
    },
    values: {
      tickets: {
        status: { open: 'open', pending: 'pending', resolved: 'solved', closed: 'closed', 'waiting on customer': 'pending', 'waiting on third party': 'on_hold', '2': 'open', '3': 'pending', '4': 'solved', '5': 'closed' },
        priority: { ...PRIORITY, '1': 'low', '2': 'normal', '3': 'high', '4': 'urgent' },
        channel: { '1': 'email', '2': 'portal', '3': 'phone', '7': 'chat', '9': 'feedback widget', '10': 'outbound email' },
      },
    },
  },
  zendesk: {
    label: 'Zendesk',
    signatures: [['Requester email', 'Assignee'], ['Ticket ID', 'Requester'], ['Id', 'Requester email']],
    columns: {
      tickets: { 'Id': 'external_id', 'Ticket ID': 'external_id', 'Summary': 'subject', 'Subject': 'subject', 'Status': 'status', 'Priority': 'priority', 'Requester': 'requester_name', 'Requester email': 'requester_email', 'Assignee': 'assignee', 'Requested': 'created', 'Created at': 'created', 'Updated': 'updated', 'Solved': 'solved', 'Solved at': 'solved', 'Updated at': 'updated', 'Organization': 'company', 'Via': 'channel', 'Ticket type': 'category', 'Tags': 'tags', 'Satisfaction Score': 'custom:zendesk_satisfaction' },
    },
    values: {
      tickets: { status: { new: 'new', open: 'open', pending: 'pending', hold: 'on_hold', 'on hold': 'on_hold', solved: 'solved', closed: 'closed' }, priority: { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' } },
    },
  },
  salesforce: {
    label: 'Salesforce',
    signatures: [['Opportunity Name', 'Stage'], ['Account Name', 'Account Owner'], ['Lead Status', 'Lead Source'], ['Case Number', 'Case Origin']],
    columns: {
      contacts: { 'Contact ID': 'external_id', 'Lead ID': 'external_id', 'Contact Owner': 'owner', 'Lead Owner': 'owner', 'Account Name': 'company', 'Lead Source': 'source', 'Lead Status': 'lifecycle' },
      companies: { 'Account ID': 'external_id', 'Account Name': 'name', 'Account Owner': 'owner', 'Billing City': 'city', 'Billing Country': 'country', 'Website': 'website' },
      deals: { 'Opportunity ID': 'external_id', 'Opportunity Name': 'title', 'Stage': 'stage', 'Opportunity Owner': 'owner', 'Account Name': 'company', 'Close Date': 'expected_close', 'Amount': 'amount', 'Opportunity Currency': 'currency', 'Amount Currency': 'currency', 'Lead Source': 'source', 'Created Date': 'created', 'Probability (%)': 'probability' },
      tickets: { 'Case Number': 'external_id', 'Subject': 'subject', 'Description': 'description', 'Status': 'status', 'Priority': 'priority', 'Case Origin': 'channel', 'Case Owner': 'assignee', 'Contact Email': 'requester_email', 'Account Name': 'company', 'Date/Time Opened': 'created', 'Date/Time Closed': 'closed' },
    },
    values: {
      contacts: { lifecycle: { 'open - not contacted': 'lead', 'working - contacted': 'lead', 'closed - converted': 'customer', 'closed - not converted': 'inactive' } },
      deals: { stage: { 'prospecting': 'Prospecting', 'qualification': 'Qualification', 'needs analysis': 'Qualification', 'value proposition': 'Qualification', 'id. decision makers': 'Qualification', 'perception analysis': 'Quote', 'proposal/price quote': 'Quote', 'negotiation/review': 'Negotiation', 'closed won': 'Won', 'closed lost': 'Lost' } },
      tickets: { status: { new: 'new', working: 'open', escalated: 'open', 'on hold': 'on_hold', closed: 'closed' }, priority: { low: 'low', medium: 'normal', high: 'high' } },
    },
  },
  pipedrive: {
    label: 'Pipedrive',
    signatures: [['Deal - Title', 'Deal - Stage'], ['Person - Name', 'Person - Email'], ['Organization - Name', 'Organization - Owner']],
    columns: {
      contacts: { 'Person - ID': 'external_id', 'Person - Name': 'name', 'Person - Email': 'email', 'Person - Phone': 'phone', 'Person - Organization': 'company', 'Person - Owner': 'owner', 'Person - Label': 'tags', 'Person - Person created': 'created' },
      companies: { 'Organization - ID': 'external_id', 'Organization - Name': 'name', 'Organization - Owner': 'owner', 'Organization - Address': 'address', 'Organization - Label': 'tags' },
      deals: { 'Deal - ID': 'external_id', 'Deal - Title': 'title', 'Deal - Value': 'amount', 'Deal - Currency': 'currency', 'Deal - Stage': 'stage', 'Deal - Status': 'outcome', 'Deal - Owner': 'owner', 'Deal - Organization': 'company', 'Deal - Contact person': 'contact', 'Deal - Probability': 'probability', 'Deal - Expected close date': 'expected_close', 'Deal - Deal created': 'created', 'Deal - Lost reason': 'lost_reason', 'Deal - Won time': 'closed', 'Deal - Label': 'tags' },
    },
    values: {
      deals: { stage: { 'lead in': 'Prospecting', contacted: 'Qualification', 'demo scheduled': 'Qualification', 'proposal made': 'Quote', 'negotiations started': 'Negotiation' } },
    },
  },
  zoho: {
    label: 'Zoho CRM',
    signatures: [['Record Id', 'Contact Owner'], ['Record Id', 'Deal Owner'], ['Record Id', 'Lead Owner'], ['Record Id', 'Account Owner']],
    columns: {
      contacts: { 'Record Id': 'external_id', 'Contact Owner': 'owner', 'Lead Owner': 'owner', 'Account Name': 'company', 'Lead Source': 'source', 'Lead Status': 'lifecycle', 'Created Time': 'created' },
      companies: { 'Record Id': 'external_id', 'Account Name': 'name', 'Account Owner': 'owner', 'Created Time': 'created' },
      deals: { 'Record Id': 'external_id', 'Deal Name': 'title', 'Deal Owner': 'owner', 'Stage': 'stage', 'Account Name': 'company', 'Closing Date': 'expected_close', 'Amount': 'amount', 'Currency': 'currency', 'Lead Source': 'source', 'Created Time': 'created', 'Probability (%)': 'probability' },
    },
    values: {
      contacts: { lifecycle: { 'not contacted': 'lead', 'attempted to contact': 'lead', 'contact in future': 'lead', contacted: 'prospect', 'pre-qualified': 'prospect', 'not qualified': 'inactive', 'junk lead': 'inactive', 'lost lead': 'inactive' } },
      deals: { stage: { qualification: 'Qualification', 'needs analysis': 'Qualification', 'value proposition': 'Qualification', 'identify decision makers': 'Qualification', 'proposal/price quote': 'Quote', 'negotiation/review': 'Negotiation', 'closed won': 'Won', 'closed lost': 'Lost', 'closed-lost to competition': 'Lost' } },
    },
  },
};

export function parsePresetName(text: string): PresetName | undefined {
  const v = text.trim().toLowerCase();
  return (PRESET_NAMES as readonly string[]).includes(v) ? (v as PresetName) : undefined;
}

/** The product whose export this header is, by its signature columns; undefined when none fits. */
export function detectPreset(header: string[]): PresetName | undefined {
  const keys = new Set(header.map(headerKey));
  // Several products can fit one signature (HubSpot's "Record ID" + "Deal Name" is also Zoho's
  // "Record Id" + "Deal Name"): of those that fit, the one that names most of the header wins.
  let best: { name: PresetName; known: number } | undefined;
  for (const name of PRESET_NAMES) {
    const preset = PRESETS[name];
    if (!preset.signatures.some((sig) => sig.every((col) => keys.has(headerKey(col))))) continue;
    const named = new Set(Object.values(preset.columns).flatMap((cols) => Object.keys(cols ?? {}).map(headerKey)));
    const known = [...keys].filter((k) => named.has(k)).length;
    if (!best || known > best.known) best = { name, known };
  }
  return best?.name;
}
