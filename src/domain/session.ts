/**
 * What domain functions need from the world: the database, "now", the acting user and zone.
 * The CLI builds it from CliContext; the TUI and tests build the same thing.
 */
import type { AnyDb } from '../db/engine.js';

export interface Session {
  db: AnyDb;
  now(): Date;
  actor: string;
  timeZone: string;
}

export function nowIso(s: Session): string {
  return s.now().toISOString();
}
