/**
 * Real-terminal smoke test: the built binary under tmux (a real pty, real key presses).
 * Checks what only a terminal shows: the app draws, keys work, q / SIGTERM leave the alternate
 * screen with the cursor visible, and the exit code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { osHandle, runCli, useTempDb } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const socket = `crm-smoke-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', 'crm');
const paneFlag = (name: string) => tmux('display', '-p', '-t', 'crm', `#{${name}}`).trim();

/** A condition on the screen, polled; the bound only matters when it never comes (generous for a busy machine). */
async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const t = useTempDb({ init: true });
let exitFile: string;

function start(args: string): void {
  exitFile = join(t.dir, `exit-${Date.now()}`);
  // CI must not leak in: Ink renders nothing until exit when it believes it runs in CI.
  const cmd = `cd '${root}' && env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color NO_COLOR=1 TZ=UTC CRM_DB='${t.db}' ${process.execPath} bin/crm tui ${args} 2>'${exitFile}.err'; echo $? > '${exitFile}'; exec sleep 120`;
  tmux('new-session', '-d', '-s', 'crm', '-x', '80', '-y', '24', cmd);
}

beforeEach(() => {
  expect(spawnSync('tmux', ['-V']).status, 'tmux is needed for this test (.ci/run installs it)').toBe(0);
});
afterEach(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
});

describe('crm tui in a real terminal', () => {
  it('opens the board, moves a deal, quits: the database has the move and the terminal is restored', async () => {
    const add = await runCli(['deal', 'add', 'Acme renewal', '--company', 'Acme Ltd', '--amount', '12500 EUR', '--stage', 'Qualification'], { db: t.db });
    expect(add.exitCode).toBe(0);
    start('');
    await waitFor('the board', () => screen().includes('Acme renewal'));
    expect(paneFlag('alternate_on')).toBe('1');
    expect(screen()).toMatch(/Qualification \(1\)/);
    tmux('send-keys', '-t', 'crm', 'l');
    await new Promise((r) => setTimeout(r, 150));
    tmux('send-keys', '-t', 'crm', 'L');
    await waitFor('the move', () => screen().includes('Moved #1 Acme renewal to Quote.') && /Quote \(1\)/.test(screen()));
    tmux('send-keys', '-t', 'crm', 'q');
    await waitFor('exit', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(paneFlag('alternate_on')).toBe('0');
    expect(paneFlag('cursor_flag')).toBe('1');
    const shown = await runCli(['deal', 'show', '1', '--json'], { db: t.db });
    expect(shown.json()).toMatchObject({ stage: { name: 'Quote' } });
    expect(shown.json().history.map((h: { to: { name: string } }) => h.to.name)).toEqual(['Qualification', 'Quote']);
  });

  it('queue: a reply refused because another process solved the ticket meanwhile comes back in its form, then goes to that ticket', async () => {
    expect((await runCli(['user', 'add', 'anna', '--name', 'Anna Keller', '--role', 'agent'], { db: t.db })).exitCode).toBe(0);
    expect((await runCli(['ticket', 'open', 'Printer on fire', '--priority', 'urgent'], { db: t.db })).exitCode).toBe(0);
    expect((await runCli(['ticket', 'open', 'Manual please', '--priority', 'low'], { db: t.db })).exitCode).toBe(0);
    start('--screen queue');
    await waitFor('the queue', () => screen().includes('Printer on fire') && screen().includes('Manual please'));
    tmux('send-keys', '-t', 'crm', 'r');
    await waitFor('the reply form', () => screen().includes('Public reply on #1 Printer on fire'));
    tmux('send-keys', '-t', 'crm', '-l', 'On our way');
    // A reply takes several lines: the text under its label; ⏎ is a new line, ctrl-s sends.
    const typed = () => /Reply:\s*│?\n│\s*On our way/.test(screen());
    await waitFor('the typed reply', typed);
    // Another agent solves #1 from the command line; the queue's live reload drops it (the
    // cursor row is now Manual please) while the form is still open.
    expect((await runCli(['ticket', 'solve', '1'], { db: t.db, login: 'anna' })).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    tmux('send-keys', '-t', 'crm', 'C-s');
    await waitFor('the refusal', () => screen().includes('Your reply was not sent: ticket #1 changed meanwhile (now solved, by anna)') && typed());
    const replies = async (id: number) => (await runCli(['ticket', 'show', String(id), '--json'], { db: t.db })).json().events.filter((e: { kind: string }) => e.kind === 'reply');
    expect(await replies(1)).toEqual([]);
    expect(await replies(2)).toEqual([]);
    tmux('send-keys', '-t', 'crm', 'C-s');
    await waitFor('the reply', () => screen().includes('Replied on ticket #1.'));
    tmux('send-keys', '-t', 'crm', 'q');
    await waitFor('exit', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(paneFlag('alternate_on')).toBe('0');
    expect(await replies(1)).toMatchObject([{ actor: osHandle(), body: 'On our way' }]); // the TUI runs as the OS login
    expect(await replies(2)).toEqual([]);
  });

  it('opens, searches and opens a contact, quits with q and restores the terminal', async () => {
    expect((await runCli(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd'], { db: t.db })).exitCode).toBe(0);
    expect((await runCli(['contact', 'add', 'Lin Wei', '--phone', '+86 10 5555 0199'], { db: t.db })).exitCode).toBe(0);
    start('--screen contacts');
    await waitFor('the contact list', () => screen().includes('Lin Wei'));
    expect(paneFlag('alternate_on')).toBe('1');
    tmux('send-keys', '-t', 'crm', '/', 'r', 'a', 'h');
    await waitFor('search results', () => screen().includes('Search: rah') && !screen().includes('Lin Wei'));
    tmux('send-keys', '-t', 'crm', 'Enter');
    await new Promise((r) => setTimeout(r, 100));
    tmux('send-keys', '-t', 'crm', 'Enter');
    await waitFor('the contact detail', () => screen().includes('#1 Sara Rahimi'));
    expect(screen()).toMatch(/Company\s+Acme Ltd/);
    tmux('send-keys', '-t', 'crm', 'q');
    await waitFor('exit', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(paneFlag('alternate_on')).toBe('0');
    expect(paneFlag('cursor_flag')).toBe('1');
    expect(screen()).not.toContain('Sara Rahimi');
  });

  it('Ctrl-C quits cleanly, also from inside a text field', async () => {
    start('--screen contacts');
    await waitFor('the app', () => screen().includes('No contacts yet'));
    tmux('send-keys', '-t', 'crm', '/', 'a', 'b');
    await waitFor('the search field', () => screen().includes('Search: ab'));
    tmux('send-keys', '-t', 'crm', 'C-c');
    await waitFor('exit', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(paneFlag('alternate_on')).toBe('0');
    expect(paneFlag('cursor_flag')).toBe('1');
  });

  it('leaves the alternate screen when killed with SIGTERM', async () => {
    start('--screen contacts');
    await waitFor('the app', () => screen().includes('No contacts yet'));
    const shell = paneFlag('pane_pid');
    const node = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(node), 'SIGTERM');
    await waitFor('exit', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('1');
    expect(readFileSync(`${exitFile}.err`, 'utf8')).toContain('stopped by SIGTERM');
    expect(paneFlag('alternate_on')).toBe('0');
    expect(paneFlag('cursor_flag')).toBe('1');
  });
});
