/** The "Timeline" section of `contact show`, `company show`, `deal show` and `ticket show`. */
import type { Command } from 'commander';
import { DEFAULT_TIMELINE_LIMIT, type TimelineEntry } from '../../domain/timeline.js';
import { UsageError } from '../../errors.js';
import type { ListView } from '../../output/columns.js';
import type { Section } from '../../output/render.js';

export const timelineView: ListView<TimelineEntry> = [
  { key: 'at', label: 'When', format: 'datetime' },
  { key: 'kind', label: 'What', get: (e) => (e.source === 'deal' ? `deal ${e.kind}` : e.source === 'ticket' ? `ticket ${e.kind}` : e.status ? `${e.kind} (${e.status})` : e.kind) },
  { key: 'summary', label: 'Summary', maxWidth: 60 },
  { key: 'by', label: 'By' },
];

export function timelineOption(cmd: Command, defaultText = `the last ${DEFAULT_TIMELINE_LIMIT}`): Command {
  return cmd.option('--timeline-limit <n>', `how many of the latest timeline entries to show (default: ${defaultText}; 0 for none)`, (v: string) => {
    if (!/^\d+$/.test(v)) throw new UsageError(`--timeline-limit must be a whole number, not "${v}".`);
    return Number(v);
  });
}

export function timelineSection(entries: TimelineEntry[]): Section {
  return { title: 'Timeline', view: timelineView, rows: entries };
}
