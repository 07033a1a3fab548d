/**
 * iCalendar (RFC 5545) for tasks (VTODO) and meetings (VEVENT): CRLF line ends, lines folded at
 * 75 octets without splitting a UTF-8 character, TEXT escaping of \ ; , and newlines, UTC times.
 * Pure: records and "now" in, text out.
 */
import type { ActivityRecord } from './activities.js';

export interface IcsOptions {
  now: Date;
  /** Right-hand side of UIDs, stable per database so re-imports update rather than duplicate. */
  uidDomain?: string;
  calendarName?: string;
}

/** 2026-11-20T17:55:00.000Z → 20261120T175500Z */
export function icsUtc(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n?|\n/g, '\\n');
}

/** Fold one content line at 75 octets; continuation lines start with one space (RFC 5545 §3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > limit) {
      out.push(current);
      current = ' ';
      bytes = 1;
      limit = 75;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n');
}

function description(a: ActivityRecord): string | null {
  const parts = [a.about ? `About: ${a.about}` : null, a.body].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join('\n\n') : null;
}

export function buildIcs(items: ActivityRecord[], opts: IcsOptions): string {
  const domain = opts.uidDomain ?? 'crm.local';
  const stamp = icsUtc(opts.now);
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//crm//terminal CRM//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  if (opts.calendarName) lines.push(`X-WR-CALNAME:${escapeText(opts.calendarName)}`);
  for (const a of items) {
    const common = [`UID:activity-${a.id}@${domain}`, `DTSTAMP:${stamp}`, `CREATED:${icsUtc(a.createdAt)}`, `LAST-MODIFIED:${icsUtc(a.updatedAt)}`, `SEQUENCE:${a.version - 1}`, `SUMMARY:${escapeText(a.subject)}`];
    const desc = description(a);
    if (desc) common.push(`DESCRIPTION:${escapeText(desc)}`);
    if (a.kind === 'task') {
      lines.push('BEGIN:VTODO', ...common);
      if (a.dueAt) lines.push(`DUE:${icsUtc(a.dueAt)}`);
      lines.push(a.doneAt ? `STATUS:COMPLETED` : 'STATUS:NEEDS-ACTION');
      if (a.doneAt) lines.push(`COMPLETED:${icsUtc(a.doneAt)}`);
      lines.push('END:VTODO');
    } else if (a.occurredAt) {
      const start = new Date(a.occurredAt);
      const end = new Date(start.getTime() + (a.durationMinutes ?? 30) * 60_000);
      lines.push('BEGIN:VEVENT', ...common, `DTSTART:${icsUtc(start)}`, `DTEND:${icsUtc(end)}`, 'END:VEVENT');
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
