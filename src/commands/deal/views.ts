import type { DealContactEntry, DealHistoryEntry, DealRecord, MilestoneRecord, StageTime } from '../../domain/deals.js';
import type { ListView } from '../../output/columns.js';

export const dealListView: ListView<DealRecord> = [
  { key: 'id', label: 'ID', format: 'int', priority: 0 },
  { key: 'title', label: 'Title', maxWidth: 30, minWidth: 18, priority: 0 },
  { key: 'company', label: 'Company', get: (d) => d.company?.name ?? null, maxWidth: 24, minWidth: 12, priority: 2 },
  { key: 'stage', label: 'Stage', get: (d) => d.stage.name, priority: 1 },
  { key: 'amount', label: 'Amount', align: 'right', whole: true, priority: 0 },
  { key: 'probability', label: 'Prob', format: 'percent', priority: 5 },
  { key: 'expectedClose', label: 'Close', format: 'date', whole: true, priority: 3 },
  { key: 'owner', label: 'Owner', priority: 4 },
  { key: 'daysInStage', label: 'Days in stage', format: 'int', priority: 6 },
  { key: 'tags', label: 'Tags', format: 'list', maxWidth: 20, priority: 7 },
];

export const dealFields: ListView<DealRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'title', label: 'Title' },
  { key: 'pipeline', label: 'Pipeline', get: (d) => d.pipeline.name },
  { key: 'stage', label: 'Stage', get: (d) => d.stage.name },
  { key: 'status', label: 'Status' },
  { key: 'company', label: 'Company', get: (d) => (d.company ? `${d.company.name} (#${d.company.id})` : null) },
  { key: 'contact', label: 'Contact', get: (d) => (d.contact ? `${d.contact.name}${d.contact.email ? ` <${d.contact.email}>` : ''} (#${d.contact.id})` : null) },
  { key: 'amount', label: 'Amount' },
  { key: 'probability', label: 'Probability', get: (d) => `${d.probability}%${d.probabilityOverride !== null && d.status === 'open' ? ' (override)' : ''}` },
  { key: 'weighted', label: 'Weighted' },
  { key: 'expectedClose', label: 'Expected close', format: 'date' },
  { key: 'owner', label: 'Owner' },
  { key: 'source', label: 'Source' },
  { key: 'campaign', label: 'Campaign', get: (d) => d.campaign?.name ?? null },
  { key: 'lostReason', label: 'Lost reason' },
  { key: 'lostNote', label: 'Lost note' },
  { key: 'wonAt', label: 'Won', format: 'datetime' },
  { key: 'lostAt', label: 'Lost', format: 'datetime' },
  { key: 'stageEnteredAt', label: 'In stage since', format: 'datetime' },
  { key: 'daysInStage', label: 'Days in stage', format: 'int' },
  { key: 'tags', label: 'Tags', format: 'list' },
  { key: 'externalId', label: 'External id' },
  { key: 'createdAt', label: 'Created', format: 'datetime' },
  { key: 'updatedAt', label: 'Updated', format: 'datetime' },
  { key: 'version', label: 'Version', format: 'int' },
  { key: 'archivedAt', label: 'Archived', format: 'datetime' },
];

export const dealContactView: ListView<DealContactEntry> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'role', label: 'Role' },
  { key: 'primary', label: 'Primary', get: (c) => (c.primary ? 'primary' : '') },
];

export const milestoneView: ListView<MilestoneRecord> = [
  { key: 'id', label: 'ID', format: 'int' },
  { key: 'due', label: 'Due' },
  { key: 'title', label: 'Milestone' },
  { key: 'done', label: 'Done', get: (m) => (m.done ? `✓ ${m.doneAt?.slice(0, 10)}` : '') },
];

export const historyView: ListView<DealHistoryEntry> = [
  { key: 'at', label: 'When', format: 'datetime' },
  { key: 'from', label: 'From', get: (h) => h.from?.name ?? '(created)' },
  { key: 'to', label: 'To', get: (h) => h.to.name },
  { key: 'actor', label: 'Who' },
  { key: 'duration', label: 'Time in stage' },
];

export const stageTimeView: ListView<StageTime> = [
  { key: 'stage', label: 'Stage' },
  { key: 'duration', label: 'Time' },
  { key: 'visits', label: 'Visits', format: 'int' },
];

export const dealQuoteView: ListView<{ number: string; status: string; validUntil: string | null; total: unknown; order: string | null }> = [
  { key: 'number', label: 'Quote', whole: true },
  { key: 'status', label: 'Status' },
  { key: 'validUntil', label: 'Valid until', whole: true },
  { key: 'total', label: 'Total', format: 'money' },
  { key: 'order', label: 'Order' },
];
