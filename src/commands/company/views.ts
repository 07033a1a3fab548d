import type { ListView } from '../../output/columns.js';
import type { CompanyListItem, CompanyRecord } from '../../domain/companies.js';

export const companyListView: ListView<CompanyListItem> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name', maxWidth: 30 },
  { key: 'domain', label: 'Domain' },
  { key: 'industry', label: 'Industry', maxWidth: 18 },
  { key: 'city', label: 'City' },
  { key: 'country', label: 'Country' },
  { key: 'tier', label: 'Tier' },
  { key: 'owner', label: 'Owner' },
  { key: 'contacts', label: 'People', format: 'int' },
  { key: 'tags', label: 'Tags', format: 'list', maxWidth: 20 },
];

export const companyFields: ListView<CompanyRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'domain', label: 'Domain' },
  { key: 'industry', label: 'Industry' },
  { key: 'phone', label: 'Phone' },
  { key: 'website', label: 'Website' },
  { key: 'address', label: 'Address' },
  { key: 'city', label: 'City' },
  { key: 'region', label: 'Region' },
  { key: 'postalCode', label: 'Postal code' },
  { key: 'country', label: 'Country' },
  { key: 'tier', label: 'Tier' },
  { key: 'source', label: 'Source' },
  { key: 'owner', label: 'Owner' },
  { key: 'warrantyUntil', label: 'Warranty until', format: 'date' },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'externalId', label: 'External id' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];
