/**
 * Psychological notes (issue 21, item 3) on both engines: anyone who may see a contact appends
 * one (a rep on a contact they do not own too); author and time are kept; nothing edits them;
 * `contact show` lists them first, newest first, and --json carries them as psychNotes.
 */
import { describe, expect, it } from 'vitest';
import { crmOn, ENGINES, useEngineDb } from '../helpers/engines.js';

describe.each(ENGINES)('psychological notes on %s', (engine) => {
  const db = useEngineDb(engine, 'psych');
  const crm = (...args: string[]) => crmOn(db.url, args);

  it('are appended with author and time and shown first', () => {
    expect(crm('db', 'migrate').code).toBe(0);
    expect(crm('user', 'add', 'reza', '--name', 'Reza Ahmadi', '--role', 'rep').code).toBe(0);
    expect(crm('contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com').code).toBe(0);
    const first = crm('contact', 'note', '1', '--psych', 'Decides slowly; wants figures in writing', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ contactId: 1, body: 'Decides slowly; wants figures in writing', createdAt: '2026-11-20T17:55:00.000Z' });
    // A rep who does not own the contact may still add one: anyone may append.
    const second = crmOn(db.url, ['contact', 'note', 'sara@example.com', '--psych', 'Prefers calls before 10:00', '--as', 'reza']);
    expect(second.stderr).not.toMatch(/^error/m);
    expect(second.code).toBe(0);

    const shown = JSON.parse(crm('contact', 'show', '1', '--json').stdout);
    expect(shown.psychNotes.map((n: { body: string; author: string }) => [n.body, n.author.includes('reza')])).toEqual([
      ['Prefers calls before 10:00', true],
      ['Decides slowly; wants figures in writing', false],
    ]);
    const table = crm('contact', 'show', '1', '--format', 'table').stdout;
    expect(table.indexOf('Psychological notes (2)')).toBeGreaterThan(0);
    expect(table.indexOf('Psychological notes (2)')).toBeLessThan(table.indexOf('Deals (0)'));
  });

  it('need text, and the plain form points at crm log note', () => {
    expect(crm('contact', 'note', '1', '--psych', '   ').stderr).toContain('A psychological note needs some text.');
    const plain = crm('contact', 'note', '1');
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('crm log note');
    expect(crm('contact', 'note', '99', '--psych', 'x').code).toBe(1);
  });
});
