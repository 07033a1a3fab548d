import type { ListView } from '../../output/columns.js';
import type { ContactRecord } from '../../domain/contacts.js';
import type { CompanyPerson, ContactCompany } from '../../domain/memberships.js';

export const contactListView: ListView<ContactRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name', maxWidth: 28 },
  { key: 'email', label: 'Email', maxWidth: 32 },
  { key: 'phone', label: 'Phone', get: (c) => c.phone ?? c.mobile },
  { key: 'company', label: 'Company', get: (c) => c.company?.name ?? null, maxWidth: 24 },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'owner', label: 'Owner' },
  { key: 'tags', label: 'Tags', format: 'list', maxWidth: 20 },
];

export const contactFields: ListView<ContactRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'prefix', label: 'Prefix' },
  { key: 'title', label: 'Title' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'mobile', label: 'Mobile' },
  { key: 'company', label: 'Company', get: (c) => (c.company ? `${c.company.name} (#${c.company.id})` : null) },
  { key: 'companyRole', label: 'Role' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'source', label: 'Source' },
  { key: 'referredBy', label: 'Referred by', get: (c) => (c.referredBy ? `${c.referredBy.name} (${c.referredBy.kind === 'company' ? 'company ' : ''}#${c.referredBy.id})` : null) },
  { key: 'owner', label: 'Owner' },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'lastTouchedAt', label: 'Last touched', format: 'datetime' },
  { key: 'externalId', label: 'External id' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];

/** A contact's companies on `contact show`, current first. */
export const membershipCompanyView: ListView<ContactCompany> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Company', maxWidth: 28 },
  { key: 'role', label: 'Role', maxWidth: 24 },
  { key: 'unit', label: 'Unit', maxWidth: 20 },
  { key: 'from', label: 'From', format: 'date' },
  { key: 'until', label: 'Until', format: 'date' },
  { key: 'status', label: 'Status', get: (m) => (m.primary ? 'current, primary' : m.current ? 'current' : 'past') },
];

/** A company's people on `company show`, current first. */
export const membershipPersonView: ListView<CompanyPerson> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name', maxWidth: 28 },
  { key: 'role', label: 'Role', maxWidth: 24 },
  { key: 'unit', label: 'Unit', maxWidth: 20 },
  { key: 'email', label: 'Email', maxWidth: 32 },
  { key: 'from', label: 'From', format: 'date' },
  { key: 'until', label: 'Until', format: 'date' },
  { key: 'status', label: 'Status', get: (m) => (m.current ? 'current' : 'past') },
];
