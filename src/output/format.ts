/** Turning values into text: human on a TTY ("3 days ago", "12,500.50 EUR"), exact when piped (ISO). */
import { Money } from '../domain/money.js';
import { isoDateToJalali, type CalendarKind } from '../domain/dates.js';
import type { ColumnFormat } from './columns.js';
import { plural } from './plural.js';
import { safeCell } from './safe.js';

export { plural };

export interface FormatContext {
  human: boolean;
  now: Date;
  timeZone?: string;
  /** persian: 'date' and 'datetime' values are shown as Jalali dates (1405/10/15) in human output; piped and JSON output keep ISO. */
  calendar?: CalendarKind;
}

export function formatValue(value: unknown, format: ColumnFormat | undefined, fc: FormatContext): string {
  if (value === null || value === undefined || value === '') return fc.human ? '' : '';
  if (value instanceof Money) return fc.human ? value.format() : `${value.amount} ${value.currency}`;
  switch (format) {
    case 'money':
      return String(value);
    case 'date':
      return fc.human && fc.calendar === 'persian' ? isoDateToJalali(String(value)) : safeCell(String(value));
    case 'datetime':
      if (fc.human && fc.calendar === 'persian') return isoDateToJalali(formatLocalDateTime(String(value), fc.timeZone));
      return fc.human ? formatLocalDateTime(String(value), fc.timeZone) : String(value);
    case 'age':
      return fc.human ? relativeTime(String(value), fc.now) : String(value);
    case 'bool':
      return value ? (fc.human ? 'yes' : 'true') : fc.human ? 'no' : 'false';
    case 'percent':
      return typeof value === 'number' ? `${Number.isInteger(value) ? value : value.toFixed(1)}%` : String(value);
    case 'duration':
      return typeof value === 'number' ? formatDuration(value) : String(value);
    case 'list':
      return Array.isArray(value) ? value.map((v) => safeCell(String(v))).join(fc.human ? ', ' : ',') : safeCell(String(value));
    default:
      if (Array.isArray(value)) return value.map((v) => safeCell(String(v))).join(', ');
      if (typeof value === 'object') return safeCell(JSON.stringify(value));
      return safeCell(String(value));
  }
}

/** "2026-11-20 18:55" in the user's zone (TZ), or the given IANA zone. */
export function formatLocalDateTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function relativeTime(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const seconds = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  let text: string;
  if (s < 60) text = 'just now';
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86400) text = `${Math.floor(s / 3600)} h`;
  else if (s < 86400 * 60) text = plural(Math.floor(s / 86400), 'day');
  else if (s < 86400 * 730) text = plural(Math.floor(s / (86400 * 30)), 'month');
  else text = plural(Math.floor(s / (86400 * 365)), 'year');
  if (text === 'just now') return text;
  return future ? `in ${text}` : `${text} ago`;
}

/** Seconds → "1d 2h 5m" (compact, for SLA timers and time in stage). */
export function formatDuration(totalSeconds: number): string {
  const negative = totalSeconds < 0;
  let s = Math.abs(Math.round(totalSeconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m || parts.length === 0) parts.push(`${m}m`);
  return (negative ? '-' : '') + parts.join(' ');
}
