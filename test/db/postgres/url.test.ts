import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPostgresUrl, redactUrl } from '../../../src/db/postgres/url.js';
import { resolveDbPath } from '../../../src/db/path.js';

describe('isPostgresUrl', () => {
  it('names a server for postgres:// and postgresql:// only', () => {
    expect(isPostgresUrl('postgres://crm@db:5432/crm')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://db/crm')).toBe(true);
    expect(isPostgresUrl('/home/sara/crm.db')).toBe(false);
    expect(isPostgresUrl('postgres.db')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });

  it('a URL in --db or CRM_DB is used as given, not resolved as a path', () => {
    expect(resolveDbPath('postgres://crm@db/crm', {})).toBe('postgres://crm@db/crm');
    expect(resolveDbPath(undefined, { CRM_DB: 'postgresql://db/crm?sslmode=require' })).toBe('postgresql://db/crm?sslmode=require');
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://crm:s3cret@db.example.com:5432/crm?sslmode=require', 'postgres://crm:***@db.example.com:5432/crm?sslmode=require'],
    ['postgresql://crm:p%40ss@db/crm', 'postgresql://crm:***@db/crm'],
    ['postgres://crm:pa@ss/w:rd@db/crm', 'postgres://crm:***@db/crm'],
    ['postgres://db/crm?user=crm&password=s3cret&sslmode=require', 'postgres://db/crm?user=crm&password=***&sslmode=require'],
    ['postgres://crm@db/crm', 'postgres://crm@db/crm'],
    ['postgres://db/crm', 'postgres://db/crm'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('never shows the password, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((p) => !/[?#]/.test(p)), fc.boolean(), (password, inQuery) => {
        if (inQuery) expect(redactUrl(`postgres://db:5432/crm?password=${encodeURIComponent(password)}&x=1`)).toBe('postgres://db:5432/crm?password=***&x=1');
        else expect(redactUrl(`postgres://sara:${password}@db:5432/crm?sslmode=require`)).toBe('postgres://sara:***@db:5432/crm?sslmode=require');
      }),
    );
  });
});
