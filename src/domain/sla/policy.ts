/** From stored policies and calendars to what the clock needs (pure; cached per calendar). */
import { hoursFromJson, businessDaySeconds, type WeekHours } from './hours.js';
import type { ClockPolicy } from './clock.js';
import { BusinessCalendar, WALL_CLOCK, type TimeBasis } from './time-basis.js';
import { METRICS, PRIORITIES, durationSeconds, parseDuration, type Metric, type PolicyTargets, type Priority } from './targets.js';

export interface CalendarDef {
  id: number;
  name: string;
  timezone: string;
  week: WeekHours;
  holidays: string[];
}

export interface PolicyDef {
  id: number;
  name: string;
  targets: PolicyTargets;
  calendarId: number | null;
}

export function calendarDefFromRow(row: { id: number; name: string; timezone: string; hours: string }, holidays: string[]): CalendarDef {
  return { id: row.id, name: row.name, timezone: row.timezone, week: hoursFromJson(row.hours), holidays };
}

/**
 * Business calendars already built in this process, by content (zone, hours, holidays): building
 * one is a year of zone arithmetic (tens of ms), and a command that writes a ticket and shows it
 * — or a run over many — would otherwise build the same one again for every SLA computation.
 * Keyed by content, so an edited calendar is simply another entry.
 */
const BUILT = new Map<string, BusinessCalendar>();

export function businessCalendarOf(def: CalendarDef): BusinessCalendar {
  const key = JSON.stringify([def.timezone, def.week, def.holidays]);
  let cal = BUILT.get(key);
  if (!cal) {
    if (BUILT.size >= 64) BUILT.clear();
    cal = new BusinessCalendar(def.timezone, def.week, new Set(def.holidays));
    BUILT.set(key, cal);
  }
  return cal;
}

/** A policy ready for the clock; its business calendar comes from businessCalendarOf (built once per content, shared by every policy on it). */
export function toClockPolicy(p: PolicyDef, calendar: CalendarDef | null): ClockPolicy {
  let business: TimeBasis = WALL_CLOCK;
  let businessDay: number | null = null;
  if (calendar) {
    business = businessCalendarOf(calendar);
    businessDay = businessDaySeconds(calendar.week);
  }
  const targets = { firstReply: {}, nextReply: {}, resolution: {} } as Record<Metric, Partial<Record<Priority, number>>>;
  const basis = {} as Record<Metric, TimeBasis>;
  const calendarTime = {} as Record<Metric, boolean>;
  for (const m of METRICS) {
    const wall = !calendar || p.targets.calendarTime.includes(m);
    calendarTime[m] = wall;
    basis[m] = wall ? WALL_CLOCK : business;
    for (const pr of PRIORITIES) {
      const spec = p.targets[m][pr];
      if (spec) targets[m][pr] = durationSeconds(parseDuration(spec, m), wall ? null : businessDay);
    }
  }
  return { id: p.id, name: p.name, targets, basis, business, calendarTime };
}
