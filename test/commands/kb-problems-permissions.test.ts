/**
 * Who may change the knowledge base and problems (#20): agents and admins write; every role that
 * reads may read internal articles. Runs as real OS logins (the harness's `login`), since an admin
 * acting --as someone keeps the admin's permissions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const t = useTempDb({ shared: true });
const { crm, ok } = t;
const as = (login: string) => ({ login, env: { CRM_USER: login } });

describe('kb and problem permissions', () => {
  beforeAll(async () => {
    await ok(['init'], as('boss'));
    await ok(['user', 'add', 'anna', '--name', 'Anna Agent', '--role', 'agent'], as('boss'));
    await ok(['user', 'add', 'rob', '--name', 'Rob Rep', '--role', 'rep'], as('boss'));
  });

  it('an agent adds and edits articles and problems', async () => {
    await ok(['kb', 'add', 'Internal runbook', '--body', 'Restart the queue worker.'], as('anna'));
    await ok(['kb', 'edit', '1', '--tag', 'ops'], as('anna'));
    await ok(['problem', 'add', 'Queue worker stalls'], as('anna'));
    await ok(['problem', 'edit', '1', '--status', 'known-error'], as('anna'));
  });

  it('a rep reads internal articles and problems but may not change them', async () => {
    expect((await ok(['kb', 'search', 'runbook', '--json'], as('rob'))).json()).toMatchObject([{ id: 1, audience: 'internal' }]);
    expect((await ok(['kb', 'show', '1', '--json'], as('rob'))).json()).toMatchObject({ title: 'Internal runbook' });
    await ok(['problem', 'show', '1'], as('rob'));
    for (const argv of [['kb', 'add', 'Mine', '--body', 'x'], ['kb', 'edit', '1', '--title', 'Changed'], ['kb', 'archive', '1'], ['problem', 'add', 'Mine'], ['problem', 'close', '1'], ['problem', 'link', '1', 'ticket:1']]) {
      const r = await crm(argv, as('rob'));
      expect(r.exitCode, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/rob \(rep\) may not do this: it needs the permission (kb|problem)\.write/);
    }
    expect((await ok(['kb', 'show', '1', '--json'], as('rob'))).json()).toMatchObject({ title: 'Internal runbook', version: 2 });
  });

  it('crm help roles lists the two new actions', async () => {
    const help = (await ok(['help', 'roles'], as('boss'))).stdout;
    expect(help).toMatch(/kb\.write .*add, edit, archive knowledge-base articles/s);
    expect(help).toMatch(/problem\.write/);
  });
});
