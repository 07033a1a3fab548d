/** Every migration, in order. Add new numbered files here; never edit a shipped one. */
import * as m0001 from './0001_initial.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [m0001];

export const latestVersion = migrations[migrations.length - 1]!.version;
