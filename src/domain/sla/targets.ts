/**
 * SLA targets: per metric, per priority, a duration "30m" | "8h" | "2d". Minutes and hours are
 * exact; days in business time are whole business days of the policy's calendar (see
 * businessDaySeconds), days in calendar time are 24 hours.
 */
import { UserError } from '../../errors.js';

export const METRICS = ['firstReply', 'nextReply', 'resolution'] as const;
export type Metric = (typeof METRICS)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const METRIC_FLAGS: Record<Metric, string> = { firstReply: '--first-reply', nextReply: '--next-reply', resolution: '--resolution' };
export const METRIC_LABELS: Record<Metric, string> = { firstReply: 'First reply', nextReply: 'Next reply', resolution: 'Resolution' };

export interface Duration {
  amount: number;
  unit: 'm' | 'h' | 'd';
}

/** Stored in sla_policies.targets. */
export interface PolicyTargets {
  firstReply: Partial<Record<Priority, string>>;
  nextReply: Partial<Record<Priority, string>>;
  resolution: Partial<Record<Priority, string>>;
  /** Metrics measured in calendar (wall-clock) time instead of the calendar's business hours. */
  calendarTime: Metric[];
}

export function emptyTargets(): PolicyTargets {
  return { firstReply: {}, nextReply: {}, resolution: {}, calendarTime: [] };
}

export function parseDuration(text: string, what: string): Duration {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$/i.exec(text);
  if (!m) {
    if (/^\s*-/.test(text)) throw new UserError(`${what}: "${text}" is negative; a target must be a positive duration.`, 'Use minutes, hours or days: 30m, 4h, 2d.', 'bad_target');
    throw new UserError(`${what}: "${text}" is not a duration.`, 'Use minutes, hours or days: 30m, 4h, 2d.', 'bad_target');
  }
  const amount = Number(m[1]);
  if (!(amount > 0)) throw new UserError(`${what}: "${text}" is zero; a target must be a positive duration.`, 'Use minutes, hours or days: 30m, 4h, 2d.', 'bad_target');
  const unit = m[2]!.toLowerCase() as Duration['unit'];
  if (unit === 'm' && !Number.isInteger(amount)) throw new UserError(`${what}: "${text}" — give minutes as a whole number.`, undefined, 'bad_target');
  return { amount, unit };
}

export function formatDurationSpec(d: Duration): string {
  return `${d.amount}${d.unit}`;
}

/** "normal=1h,high=30m" → {normal:"1h", high:"30m"}. "all=4h" sets every priority. "none" clears. */
export function parseTargetList(text: string, flag: string): Partial<Record<Priority, string>> {
  const out: Partial<Record<Priority, string>> = {};
  if (text.trim().toLowerCase() === 'none') return out;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UserError(`${flag} is empty.`, `Write ${flag} "normal=1h,high=30m" (priorities: ${PRIORITIES.join(', ')}, or all).`, 'bad_target');
  for (const item of items) {
    const m = /^([a-z]+)\s*=\s*(.+)$/i.exec(item);
    if (!m) throw new UserError(`${flag}: "${item}" is not priority=duration.`, `Write ${flag} "normal=1h,high=30m".`, 'bad_target');
    const p = m[1]!.toLowerCase();
    const d = formatDurationSpec(parseDuration(m[2]!, `${flag} ${p}`));
    if (p === 'all') {
      for (const q of PRIORITIES) out[q] = d;
    } else if ((PRIORITIES as readonly string[]).includes(p)) {
      out[p as Priority] = d;
    } else {
      throw new UserError(`${flag}: unknown priority "${m[1]}".`, `Priorities are ${PRIORITIES.join(', ')} (or all).`, 'bad_target');
    }
  }
  return out;
}

export function formatTargetList(list: Partial<Record<Priority, string>>): string {
  return PRIORITIES.filter((p) => list[p]).map((p) => `${p}=${list[p]}`).join(',');
}

/** Seconds of a target; days are `businessDay` seconds in business time, 86400 in calendar time. */
export function durationSeconds(d: Duration, businessDay: number | null): number {
  switch (d.unit) {
    case 'm':
      return Math.round(d.amount * 60);
    case 'h':
      return Math.round(d.amount * 3600);
    default:
      return Math.round(d.amount * (businessDay ?? 86400));
  }
}

export function parseTargetsJson(json: string): PolicyTargets {
  const raw = JSON.parse(json || '{}') as Partial<PolicyTargets>;
  return { firstReply: raw.firstReply ?? {}, nextReply: raw.nextReply ?? {}, resolution: raw.resolution ?? {}, calendarTime: raw.calendarTime ?? [] };
}
