/** The permission table: the README prints exactly it, help explains it, and "me" never silently matches nothing. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite.js';
import { listContacts } from '../../src/domain/contacts.js';
import { ACTIONS, allows, permissionMarkdown, PERMISSIONS, ROLES, rolesHelp, rolesWith } from '../../src/domain/permissions.js';
import { CrmError } from '../../src/errors.js';

describe('the permission table', () => {
  it('the README shows the table the code enforces, byte for byte', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(permissionMarkdown());
  });

  it('crm help roles lists every role and every action', () => {
    const help = rolesHelp();
    for (const role of ROLES) expect(help).toContain(role);
    for (const action of Object.keys(ACTIONS)) expect(help).toMatch(new RegExp(`^  ${action.replace('.', '\\.')} `, 'm'));
  });

  it('admin has everything on all records; every action but notify is held by someone other than a notification-only role', () => {
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      expect(PERMISSIONS.admin[action]).toBe('all');
      expect(rolesWith(action, 'all')).toContain('admin');
    }
    expect(Object.keys(PERMISSIONS['stock-control'])).toEqual(['notify']);
  });

  it('scopes: own covers what the user owns, team what their team owns, nothing covers an unowned record but all', () => {
    const rep = { userId: 1, handle: 'sara', role: 'rep', team: 'East' };
    const manager = { userId: 2, handle: 'mia', role: 'manager', team: 'East' };
    expect(allows(rep, 'deal.write', { ownerId: 1 })).toBe(true);
    expect(allows(rep, 'deal.write', { ownerId: 3, ownerTeam: 'East' })).toBe(false);
    expect(allows(manager, 'deal.write', { ownerId: 3, ownerTeam: 'East' })).toBe(true);
    expect(allows(manager, 'deal.write', { ownerId: 4, ownerTeam: 'West' })).toBe(false);
    expect(allows(manager, 'deal.write', { ownerId: null })).toBe(false);
    expect(allows({ ...rep, role: 'admin' }, 'deal.write', { ownerId: null })).toBe(true);
    expect(allows(rep, 'pipeline.manage')).toBe(false);
  });
});

describe('"me" for someone who is no crm user', () => {
  it('is a usage error, never an empty result', async () => {
    const db = openDatabase(':memory:', { create: true });
    try {
      const s = { db, now: () => new Date('2026-11-20T12:00:00Z'), actor: 'ghost', timeZone: 'UTC' };
      const err = await listContacts(s, { filter: ['owner:me'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CrmError);
      expect((err as CrmError).exitCode).toBe(2);
      expect((err as CrmError).message).toContain('"me" names nobody');
    } finally {
      db.close();
    }
  });
});
