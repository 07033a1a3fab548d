/**
 * PostgreSQL migrations, numbered together with SQLite's (src/db/migrations): version N means
 * the same schema on both engines. A new migration is added to both lists under one number
 * (test/db/postgres/migrations.test.ts fails until the two agree). Never edit a shipped one.
 */
import type { Migration } from '../../migrations/index.js';
import * as m0008 from './0008_baseline.js';
import * as m0009 from './0009_users_access.js';
import * as m0010 from './0010_custom_fields_segments.js';
import * as m0013 from './0013_automation.js';

export const pgMigrations: Migration[] = [m0008, m0009, m0010, m0013];

export const pgLatestVersion = pgMigrations[pgMigrations.length - 1]!.version;
