import type { ListView } from '../../output/columns.js';
import type { ContactRecord } from '../../domain/contacts.js';

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
  { key: 'referredBy', label: 'Referred by', get: (c) => (c.referredBy ? `${c.referredBy.name} (#${c.referredBy.id})` : null) },
  { key: 'owner', label: 'Owner' },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'lastTouchedAt', label: 'Last touched', format: 'datetime' },
  { key: 'externalId', label: 'External id' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];
