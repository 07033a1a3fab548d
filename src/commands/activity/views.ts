import type { ActivityRecord } from '../../domain/activities.js';
import type { ListView } from '../../output/columns.js';

export const activityListView: ListView<ActivityRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'at', label: 'When', format: 'datetime', get: (a) => a.occurredAt ?? a.dueAt },
  { key: 'kind', label: 'Kind' },
  { key: 'subject', label: 'Subject', maxWidth: 40 },
  { key: 'about', label: 'About', maxWidth: 32 },
  { key: 'durationMinutes', label: 'Min', format: 'int' },
  { key: 'owner', label: 'Owner' },
];

export const taskListView: ListView<ActivityRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'dueAt', label: 'Due', format: 'datetime' },
  { key: 'status', label: 'Status' },
  { key: 'subject', label: 'Task', maxWidth: 40 },
  { key: 'about', label: 'About', maxWidth: 32 },
  { key: 'owner', label: 'Owner' },
];

export const activityFields: ListView<ActivityRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'kind', label: 'Kind' },
  { key: 'subject', label: 'Subject' },
  { key: 'status', label: 'Status' },
  { key: 'occurredAt', label: 'When', format: 'datetime' },
  { key: 'durationMinutes', label: 'Minutes', format: 'int' },
  { key: 'dueAt', label: 'Due', format: 'datetime' },
  { key: 'doneAt', label: 'Done', format: 'datetime' },
  { key: 'contact', label: 'Contact', get: (a) => (a.contact ? `${a.contact.name} (#${a.contact.id})` : null) },
  { key: 'company', label: 'Company', get: (a) => (a.company ? `${a.company.name} (#${a.company.id})` : null) },
  { key: 'deal', label: 'Deal', get: (a) => (a.deal ? `${a.deal.title} (#${a.deal.id})` : null) },
  { key: 'ticket', label: 'Ticket', get: (a) => (a.ticket ? `${a.ticket.subject} (#${a.ticket.id})` : null) },
  { key: 'owner', label: 'Owner' },
  { key: 'followUpOfId', label: 'Follow-up of', format: 'int' },
  { key: 'createdBy', label: 'Logged by' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
];
