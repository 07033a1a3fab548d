/**
 * Replies from templates (macros), --body-file, satisfaction and the agents report, on both
 * engines: a macro fills the ticket's merge fields and sets status, priority and tags with its
 * reply in one step; an unknown or unfilled merge field is one line and sends nothing; bodies
 * come from files or stdin; a rating needs a solved or closed ticket; report agents shows the
 * closed count next to satisfaction, reopen rate and priority.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmAsync, ENGINES, useEngineDb } from '../helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-replies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const answer = join(dir, 'answer.txt');
writeFileSync(answer, 'Line one of the answer.\r\nLine two.\n\n');

describe.each(ENGINES)('replies, ratings and report agents on %s', (engine) => {
  const db = useEngineDb(engine, 'replies');
  const crm = (args: string[], now = '2026-11-16T09:00:00Z') => crmAsync(db.url, args, { CRM_NOW: now });
  const withStdin = (args: string[], input: string) => crmAsync(db.url, args, { CRM_NOW: '2026-11-16T09:00:00Z' }, input);

  it('adds a macro from stdin and refuses an unknown merge field by name', async () => {
    expect((await crm(['user', 'add', 'anna', '--name', 'Anna Berg', '--role', 'agent'])).code).toBe(0);
    expect((await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com'])).code).toBe(0);
    expect((await crm(['ticket', 'open', 'Refund please', '--contact', 'sara@example.com', '--assignee', 'anna'])).stdout).toBe('1\n');
    const added = await withStdin(['template', 'add', 'refund-delay', '--status', 'pending', '--priority', 'high', '--tag', 'refund', '--body-file', '-'], 'Dear {{requester.firstName}},\nyour refund for #{{ticket.id}} is delayed.\n{{assignee.name}}\n');
    expect(added.code).toBe(0);
    const bad = await crm(['template', 'add', 'typo', '--body', 'Hi {{requester.nme}}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('error: Unknown merge field: {{requester.nme}}.');
    expect((await crm(['template', 'add', 'bad-status', '--body', 'x', '--status', 'closed'])).stderr).toContain('A macro cannot set status "closed".');
  }, 300_000);

  it('replies from the template and applies the macro in one step', async () => {
    const r = await crm(['ticket', 'reply', '1', '--template', 'refund-delay', '--json'], '2026-11-16T10:00:00Z');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t).toMatchObject({ status: 'pending', priority: 'high', tags: ['refund'] });
    const reply = t.events.find((e: { kind: string }) => e.kind === 'reply');
    expect(reply.body).toBe('Dear Sara,\nyour refund for #1 is delayed.\nAnna Berg');
    // One transaction: every event of the step at the same instant, one new version.
    expect(new Set(t.events.filter((e: { at: string }) => e.at === '2026-11-16T10:00:00.000Z').map((e: { kind: string }) => e.kind))).toEqual(new Set(['reply', 'status', 'priority', 'edit']));
    expect(t.version).toBe(2);
  }, 300_000);

  it('sends nothing when a merge field has no value, and says which', async () => {
    expect((await crm(['template', 'add', 'assigned', '--body', 'Your agent is {{assignee.name}}'])).code).toBe(0);
    expect((await crm(['ticket', 'open', 'Unassigned', '--contact', 'sara@example.com'])).stdout).toBe('2\n');
    const r = await crm(['ticket', 'reply', '2', '--template', 'assigned']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Template "assigned" cannot be filled: \{\{assignee\.name\}\} \(the ticket is unassigned/);
    expect(JSON.parse((await crm(['ticket', 'show', '2', '--json'])).stdout).events.map((e: { kind: string }) => e.kind)).toEqual(['created']);
    expect((await crm(['ticket', 'reply', '2', 'text', '--template', 'assigned'])).code).toBe(2);
  }, 300_000);

  it('reads bodies and notes from --body-file (a file or stdin), never both with inline text', async () => {
    const fromFile = await crm(['ticket', 'reply', '2', '--body-file', answer, '--json']);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout).events.find((e: { kind: string }) => e.kind === 'reply').body).toBe('Line one of the answer.\nLine two.');
    expect((await withStdin(['ticket', 'note', '2', '--body-file', '-'], 'internal\nmulti-line')).code).toBe(0);
    expect((await withStdin(['log', 'email', 'sara@example.com', 'Sent the form', '--body-file', '-'], 'Dear Sara,\n\nthe form.')).code).toBe(0);
    const logged = JSON.parse((await crm(['activity', 'list', '--json'])).stdout)[0];
    expect(logged.body).toBe('Dear Sara,\n\nthe form.');
    const both = await crm(['ticket', 'note', '2', 'inline', '--body-file', answer]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give the text or --body-file, not both.');
    const missing = await crm(['ticket', 'open', 'x', '--body-file', join(dir, 'nope.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: Cannot read .*nope\.txt: ENOENT\./);
    expect((await crm(['contact', 'edit', 'sara@example.com', '--body-file', answer])).code).toBe(0);
    expect(JSON.parse((await crm(['contact', 'show', 'sara@example.com', '--json'])).stdout).notes).toBe('Line one of the answer.\nLine two.');
  }, 300_000);

  it('rates only solved or closed tickets, and report agents reads closed next to satisfaction', async () => {
    const early = await crm(['ticket', 'rate', '1', '5']);
    expect(early.code).toBe(1);
    expect(early.stderr.split('\n')[0]).toBe('error: Ticket #1 is pending; only a solved or closed ticket can be rated.');
    expect((await crm(['ticket', 'rate', '1', '7'])).code).toBe(1);
    expect((await crm(['ticket', 'solve', '1'], '2026-11-17T10:00:00Z')).code).toBe(0);
    const rated = await crm(['ticket', 'rate', '1', '4', '--comment', 'Quick and friendly', '--json'], '2026-11-18T10:00:00Z');
    expect(rated.code).toBe(0);
    const t = JSON.parse(rated.stdout);
    expect(t.satisfaction).toBe(4);
    expect(t.events.at(-1)).toMatchObject({ kind: 'csat', body: 'Quick and friendly', from: null, to: '4' });
    expect((await crm(['ticket', 'assign', '2', 'anna'])).code).toBe(0);
    expect((await crm(['ticket', 'solve', '2'], '2026-11-17T11:00:00Z')).code).toBe(0);
    expect((await crm(['ticket', 'reopen', '2'], '2026-11-17T12:00:00Z')).code).toBe(0);
    expect((await crm(['ticket', 'solve', '2'], '2026-11-17T13:00:00Z')).code).toBe(0);
    expect((await crm(['ticket', 'close', '2', '--csat', '2'], '2026-11-17T14:00:00Z')).code).toBe(0);
    const report = await crm(['report', 'agents', '--period', '2026-11', '--json'], '2026-11-20T12:00:00Z');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).agents).toEqual([{ agent: 'anna', closed: 2, avgSatisfaction: 3, satisfactionResponses: 2, reopened: 1, reopenRate: 50, avgPriority: 2.5 }]);
    const human = (await crm(['report', 'agents', '--period', '2026-11'], '2026-11-20T12:00:00Z')).stdout;
    expect(human).toContain('Agents — 2026-11, 2 tickets closed');
    expect(human).toMatch(/anna[\s│]+2[\s│]+3\.0[\s│]+2[\s│]+50\.0%[\s│]+2\.50 \(high\)/);
    // #1: one reply, solved, never reopened — first contact; #2: one reply, but reopened.
    const tickets = JSON.parse((await crm(['report', 'tickets', '--period', '2026-11', '--json'], '2026-11-20T12:00:00Z')).stdout);
    expect(tickets).toMatchObject({ solved: 2, exchangesPerTicket: 1, firstContactResolutionRate: 50 });
    // Requests per calendar day, with the day after a calendar holiday marked (Sunday 15th was one).
    expect((await crm(['calendar', 'add', 'office', '--tz', 'UTC', '--hours', 'mon-fri 09:00-17:00'])).code).toBe(0);
    expect((await crm(['calendar', 'holiday', 'add', 'office', '2026-11-15', 'Closed'])).code).toBe(0);
    const days = JSON.parse((await crm(['report', 'tickets', '--period', '2026-11', '--json'], '2026-11-20T12:00:00Z')).stdout).byDay;
    expect(days).toHaveLength(30);
    expect(days[14]).toEqual({ date: '2026-11-15', weekday: 'Sun', dayOfMonth: 15, holiday: true, afterHoliday: false, requests: 0, campaigns: [] });
    expect(days[15]).toEqual({ date: '2026-11-16', weekday: 'Mon', dayOfMonth: 16, holiday: false, afterHoliday: true, requests: 2, campaigns: [] });
    expect((await crm(['report', 'tickets', '--period', '2026-11'], '2026-11-20T12:00:00Z')).stdout).toMatch(/2026-11-16[\s│]+Mon[\s│]+\+1[\s│]+2/);
    expect((await crm(['report', 'tickets', '--period', '2026-11', '--explain'], '2026-11-20T12:00:00Z')).stdout).toContain('First-contact resolution = solved tickets with exactly one public');
  }, 300_000);

  it('fills knowledge-base fields from the article, and refuses an unknown, archived or unpublished one before sending', async () => {
    const dec = '2026-12-01T09:00:00Z';
    const acrm = (args: string[]) => crmAsync(db.url, args, { CRM_NOW: dec });
    expect((await acrm(['ticket', 'open', 'Forgot my password', '--contact', 'sara@example.com'])).stdout).toBe('3\n');
    expect((await acrm(['kb', 'add', 'Reset a password', '--body', 'Click *Forgot*.', '--audience', 'public'])).code).toBe(0);
    expect((await acrm(['kb', 'add', 'Internal runbook', '--body', 'Team only.'])).code).toBe(0);
    expect((await acrm(['kb', 'add', 'Old way', '--body', 'Gone.', '--audience', 'public'])).code).toBe(0);
    expect((await acrm(['kb', 'archive', '3'])).code).toBe(0);
    expect((await acrm(['template', 'add', 'see-kb', '--body', 'See "{{kb.1.title}}": {{kb.1.url}}'])).code).toBe(0);
    const replies = async () => JSON.parse((await acrm(['ticket', 'show', '3', '--json'])).stdout).events.filter((e: { kind: string }) => e.kind === 'reply').length;

    const noAddress = await acrm(['ticket', 'reply', '3', '--template', 'see-kb']);
    expect(noAddress.code).toBe(1);
    expect(noAddress.stderr.split('\n')[0]).toBe('error: Template "see-kb" cannot be filled: {{kb.1.url}} (no public KB address: crm kb public-url https://help.example.com).');
    expect(await replies()).toBe(0);
    expect((await acrm(['kb', 'public-url', 'ftp://x'])).code).toBe(1);
    expect((await acrm(['kb', 'public-url', 'https://help.example.com/'])).stdout).toBe('https://help.example.com\n');
    const sent = await acrm(['ticket', 'reply', '3', '--template', 'see-kb', '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout).events.find((e: { kind: string }) => e.kind === 'reply').body).toBe('See "Reset a password": https://help.example.com/article-1.html');

    for (const [body, why] of [
      ['{{kb.3.title}}', '{{kb.3.title}} (article #3 is archived: crm kb restore 3, or cite another)'],
      ['{{kb.99.title}}', '{{kb.99.title}} (no knowledge-base article #99: crm kb list)'],
      ['{{kb.2.url}}', '{{kb.2.url}} (article #2 is internal, not published: crm kb edit 2 --audience public)'],
    ] as const) {
      const name = `cite-${body.replace(/\W/g, '')}`;
      expect((await acrm(['template', 'add', name, '--body', `See ${body}`])).code).toBe(0);
      const r = await acrm(['ticket', 'reply', '3', '--template', name]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`error: Template "${name}" cannot be filled: ${why}.`);
    }
    expect(await replies()).toBe(1);
    expect((await acrm(['template', 'add', 'typo-kb', '--body', '{{kb.one.title}}'])).stderr.split('\n')[0]).toBe('error: Unknown merge field: {{kb.one.title}}.');
    expect((await acrm(['template', 'fields'])).stdout).toContain('{{kb.ID.url}}');
  }, 300_000);

  it('overlays campaign dates on the requests per month and per day', async () => {
    const acrm = (args: string[]) => crmAsync(db.url, args, { CRM_NOW: '2026-11-20T12:00:00Z' });
    // Campaign dates overlaid on the days and months they ran (one still running: no end date).
    expect((await acrm(['campaign', 'add', 'Autumn sale', '--start', '2026-10-25', '--end', '2026-11-16'])).code).toBe(0);
    expect((await acrm(['campaign', 'add', 'Black Friday', '--start', '2026-11-16'])).code).toBe(0);
    expect((await acrm(['campaign', 'add', 'Spring', '--start', '2026-03-01', '--end', '2026-03-31'])).code).toBe(0);
    const overlaid = JSON.parse((await acrm(['report', 'tickets', '--period', '2026-Q4', '--json'])).stdout);
    expect(overlaid.campaigns.map((c: { name: string; start: string; end: string | null }) => [c.name, c.start, c.end])).toEqual([['Autumn sale', '2026-10-25', '2026-11-16'], ['Black Friday', '2026-11-16', null]]);
    expect(overlaid.byMonth).toEqual([
      { key: '2026-10', requests: 0, campaigns: ['Autumn sale'] },
      { key: '2026-11', requests: 2, campaigns: ['Autumn sale', 'Black Friday'] },
      { key: '2026-12', requests: 0, campaigns: ['Black Friday'] },
    ]);
    const nov = JSON.parse((await acrm(['report', 'tickets', '--period', '2026-11', '--json'])).stdout).byDay;
    expect([nov[14].campaigns, nov[15].campaigns, nov[16].campaigns]).toEqual([['Autumn sale'], ['Autumn sale', 'Black Friday'], ['Black Friday']]);
    const shown = (await acrm(['report', 'tickets', '--period', '2026-11'])).stdout;
    expect(shown).toMatch(/2026-11[\s│]+2[\s│]+Autumn sale, Black Friday/);
    expect(shown).toMatch(/2026-11-16[\s│]+Mon[\s│]+\+1[\s│]+2[\s│]+Autumn sale, Black Friday/);
  }, 300_000);
});
