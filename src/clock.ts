/** The only source of "now". CRM_NOW=2026-11-20T17:55:00Z freezes it for tests and reproducible runs. */
import { UsageError } from './errors.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) {
    throw new UsageError(`CRM_NOW is not a valid ISO-8601 instant: ${String(at)}`, 'Use e.g. CRM_NOW=2026-11-20T17:55:00Z');
  }
  return { now: () => new Date(instant.getTime()) };
}

export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  return env.CRM_NOW ? fixedClock(env.CRM_NOW) : systemClock;
}

/** ISO-8601 UTC with milliseconds: the one timestamp format stored in the database. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
