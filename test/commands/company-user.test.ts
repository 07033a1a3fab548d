import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb();

describe('company', () => {
  it('add, list, show with its people, edit, archive, restore', async () => {
    expect((await crm(['company', 'add', 'Acme Ltd', '--domain', 'https://Acme.example/', '--city', 'Berlin', '--country', 'Germany', '--tag', 'key-account'])).stdout).toBe('1\n');
    await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'acme ltd']);
    const show = (await crm(['company', 'show', 'Acme Ltd', '--json'])).json();
    expect(show).toMatchObject({ id: 1, domain: 'acme.example', tags: ['key-account'], people: [{ name: 'Sara Rahimi' }] });
    const tty = (await crm(['company', 'show', '1'], { tty: true })).stdout;
    expect(tty).toContain('People (1)');
    expect(tty).toContain('Sara Rahimi');
    expect((await crm(['company', 'list', 'country:germany', '--json'])).json().map((c: { contacts: number }) => c.contacts)).toEqual([1]);
    expect((await crm(['company', 'edit', '1', '--tier', 'A', '--json'])).json().tier).toBe('A');
    expect((await crm(['company', 'archive', '1'])).exitCode).toBe(0);
    expect((await crm(['company', 'list', '--json'])).json()).toEqual([]);
    expect((await crm(['company', 'restore', '1'])).exitCode).toBe(0);
  });

  it('refuses a duplicate name unless asked, and rejects a bad domain', async () => {
    await crm(['company', 'add', 'Acme Ltd']);
    const dup = await crm(['company', 'add', 'ACME LTD']);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('already exists (#1)');
    expect((await crm(['company', 'add', 'ACME LTD', '--allow-duplicate'])).exitCode).toBe(0);
    expect((await crm(['company', 'add', 'X', '--domain', 'not a domain'])).exitCode).toBe(1);
  });
});

describe('user and acting user', () => {
  it('adds users, resolves owners by handle or name, and rejects unknown owners', async () => {
    expect((await crm(['user', 'add', 'sara', '--name', 'Sara Rahimi', '--role', 'manager', '--timezone', 'Asia/Tehran'])).exitCode).toBe(0);
    expect((await crm(['contact', 'add', 'A', '--email', 'a@example.com', '--owner', 'Sara Rahimi', '--json'])).json().owner).toBe('sara');
    const bad = await crm(['contact', 'add', 'B', '--email', 'b@example.com', '--owner', 'nobody']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('No user "nobody"');
    expect((await crm(['contact', 'list', '--json'])).json()).toHaveLength(1);
    expect((await crm(['user', 'add', 'x', '--timezone', 'Mars/Olympus'])).stderr).toContain('Unknown time zone');
    expect((await crm(['user', 'add', 'y', '--role', 'boss'])).exitCode).toBe(1);
  });

  it('records the acting user from --as, else CRM_USER — an admin acting for them, by name', async () => {
    await crm(['user', 'add', 'kenji']);
    await crm(['user', 'add', 'sara']);
    await crm(['contact', 'add', 'A', '--email', 'a@example.com'], { env: { CRM_USER: 'kenji' } });
    await crm(['contact', 'edit', '1', '--title', 'CEO', '--as', 'sara']);
    const h = (await crm(['history', 'contact', '1', '--json'])).json();
    expect(h.map((e: { actor: string }) => e.actor)).toEqual(['tester on behalf of kenji', 'tester on behalf of sara']);
    expect((await crm(['contact', 'show', '1', '--json'])).json().owner).toBe('kenji');
  });

  it('edit can deactivate a user; inactive users leave the default list', async () => {
    await crm(['user', 'add', 'sara']);
    await crm(['user', 'edit', 'sara', '--inactive']);
    expect((await crm(['user', 'list', '--json'])).json().map((u: { handle: string }) => u.handle)).toEqual(['tester']); // the harness's first admin
    expect((await crm(['user', 'list', '--inactive', '--json'])).json()[0]).toMatchObject({ handle: 'sara', active: false });
  });
});

describe('help', () => {
  it('documents filters and lifecycle, and suggests topics', async () => {
    expect((await crm(['help', 'filters'])).stdout).toContain('+tag  -tag');
    expect((await crm(['help', 'lifecycle'])).stdout).toContain('prospect');
    const bad = await crm(['help', 'filtres']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('crm help filters');
  });

  it('a bad filter is a usage error naming the token', async () => {
    const r = await crm(['contact', 'list', 'owner:me', 'lifecycle:customr']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: Bad filter term "lifecycle:customr".');
  });
});
