/**
 * The run action (#18) on both engines: a command an admin configured runs with the event as
 * JSON on stdin, after the firing is committed, once per occurrence; its output and exit code
 * land in the rule's history; a timeout kills its process group; non-admins and unconfigured
 * names are refused; dry runs and rule test name it without running it; rules files keep it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmOn, ENGINES, execSql, querySql, useEngineDb } from '../helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script in the temp dir; `body` is sh. */
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Whether a process is gone (or only a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status);
  } catch {
    return true;
  }
}

describe.each(ENGINES)('the run action on %s', (engine) => {
  const db = useEngineDb(engine, 'runcmd');
  const crm = (args: string[], now = '2026-11-20T10:00:00Z') => crmOn(db.url, args, { CRM_NOW: now });
  const ok = (args: string[], now?: string) => {
    const r = crm(args, now);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const out = join(dir, `${engine}-stdin.json`);

  it('runs the configured command with the event on stdin, once, and keeps its output in the history', () => {
    ok(['user', 'add', 'mona', '--name', 'Mona Manager', '--role', 'manager', '--team', 'Sales']);
    const hook = script(`${engine}-hook.sh`, `cat > '${out}'\necho "posted for $CRM_RULE"\necho "db: [$CRM_DB]" >&2\nexit 0`);
    ok(['automate', 'command', 'set', 'hook', '--timeout', '20s', '--', hook, '--channel', 'sales']);
    const list = JSON.parse(ok(['automate', 'command', 'list', '--json']).stdout);
    expect(list).toEqual([expect.objectContaining({ name: 'hook', argv: [hook, '--channel', 'sales'], timeoutMs: 20000 })]);

    ok(['rule', 'add', 'won-hook', '--on', 'deal.won', '--notify', 'owner', '--run', 'hook', '--enable']);
    ok(['deal', 'add', 'Pumps', '--amount', '5000 EUR']);
    ok(['deal', 'win', '1']);

    // A dry run and rule test name the command and run nothing.
    const dry = JSON.parse(ok(['automate', 'run', '--dry-run', '--json']).stdout);
    expect(dry.fired).toEqual([expect.objectContaining({ rule: 'won-hook', record: 'deal #1', actions: ['notify', 'run hook (not run: dry run)'] })]);
    const tested = JSON.parse(ok(['rule', 'test', 'won-hook', '--record', '1', '--json']).stdout);
    expect(tested[0].actions).toContain('run hook (not run by a test)');
    expect(existsSync(out)).toBe(false);

    const run = JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T10:01:00Z').stdout);
    expect(run.fired).toHaveLength(1);
    expect(run.fired[0]).toMatchObject({ rule: 'won-hook', outcome: 'ok', actions: [expect.stringMatching(/^notified /), 'ran hook: exit 0'] });
    const event = JSON.parse(readFileSync(out, 'utf8'));
    expect(event).toMatchObject({ rule: 'won-hook', trigger: 'deal.won', record: { entity: 'deal', id: 1, label: 'deal #1 Pumps' }, event: { kind: 'deal.won' }, key: expect.stringContaining('won-hook/deal/1/event:') });

    // Run again: the command does not run twice.
    rmSync(out);
    expect(JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T10:02:00Z').stdout).fired).toEqual([]);
    expect(existsSync(out)).toBe(false);

    const history = JSON.parse(ok(['rule', 'history', 'won-hook', '--json']).stdout);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ outcome: 'ok', actions: [expect.stringMatching(/^notified /), 'ran hook: exit 0'] });
    expect(history[0].output[0]).toMatchObject({ command: 'hook', exitCode: 0, timedOut: false, stdout: 'posted for won-hook\n' });
    // crm's own settings (the database) are not handed to the command.
    expect(history[0].output[0].stderr).toBe('db: []\n');
    expect(ok(['rule', 'history', 'won-hook']).stdout).toContain('posted for won-hook');
    const audit = JSON.parse(ok(['history', 'rule', 'won-hook', '--json']).stdout) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['create', 'fire', 'ran']);
  });

  it('a command that outlives its timeout is killed with its process group and recorded as failed', () => {
    const pidFile = join(dir, `${engine}-child.pid`);
    const slow = script(`${engine}-slow.sh`, `sleep 300 &\necho $! > '${pidFile}'\necho "working"\nsleep 300`);
    ok(['automate', 'command', 'set', 'slow', '--timeout', '1s', '--', slow]);
    ok(['rule', 'add', 'slow-rule', '--on', 'deal.created', '--run', 'slow', '--enable']);
    ok(['deal', 'add', 'Valves']);
    const run = JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T11:00:00Z').stdout);
    expect(run.fired).toEqual([expect.objectContaining({ rule: 'slow-rule', outcome: 'failed: command slow timed out after 1s (killed)' })]);
    expect(gone(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
    const history = JSON.parse(ok(['rule', 'history', 'slow-rule', '--json']).stdout);
    expect(history[0].output[0]).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL', stdout: 'working\n' });
    ok(['rule', 'disable', 'slow-rule']);
  });

  it('an unconfigured command is refused when added, and fails the firing when removed since', () => {
    const bad = crm(['rule', 'add', 'nope', '--on', 'deal.created', '--run', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no command "nope" is configured');
    const file = join(dir, `${engine}-rules.yaml`);
    writeFileSync(file, 'rules:\n  - name: from-file\n    on: deal.created\n    actions:\n      - run: nope\n');
    expect(crm(['rule', 'apply', file]).stderr).toContain('no command "nope" is configured');

    ok(['rule', 'add', 'lost-hook', '--on', 'deal.lost', '--run', 'hook', '--enable']);
    const removed = ok(['automate', 'command', 'remove', 'hook']);
    expect(removed.stderr).toContain('rules that still run it fail until it is set again: lost-hook, won-hook');
    ok(['deal', 'add', 'Gone']);
    ok(['deal', 'lose', '3', '--reason', 'price']);
    const run = JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T12:00:00Z').stdout);
    const lost = run.fired.find((f: { rule: string }) => f.rule === 'lost-hook');
    expect(lost.outcome).toContain('failed: No command "hook" is configured');
  });

  it('round-trips through a rules file', () => {
    ok(['automate', 'command', 'set', 'hook', '--', script(`${engine}-again.sh`, 'cat >/dev/null')]);
    const exported = ok(['rule', 'export']).stdout;
    expect(exported).toContain('- run: hook');
    const file = join(dir, `${engine}-export.yaml`);
    writeFileSync(file, exported);
    expect(ok(['rule', 'apply', file, '--json']).stdout).not.toMatch(/created|updated/);
  });
  it('only an admin configures commands or adds a rule that runs one', () => {
    // The login running these tests becomes a manager (another admin stays), so --as is not involved.
    const me = JSON.parse(ok(['whoami', '--json']).stdout).handle as string;
    ok(['user', 'add', 'boss', '--name', 'Boss Admin', '--role', 'admin']);
    ok(['user', 'edit', me, '--role', 'manager']);
    const setBy = crm(['automate', 'command', 'set', 'x', '--', '/bin/true']);
    expect(setBy.code).toBe(1);
    expect(setBy.stderr).toContain('needs the permission db.admin');
    const addBy = crm(['rule', 'add', 'sneaky', '--on', 'deal.created', '--run', 'hook']);
    expect(addBy.code).toBe(1);
    expect(addBy.stderr).toContain('needs the permission db.admin');
    // Nor enable or change one an admin added; a manager still adds rules without a run action.
    expect(crm(['rule', 'edit', 'won-hook', '--if', 'amount:>1']).stderr).toContain('needs the permission db.admin');
    ok(['rule', 'add', 'fine', '--on', 'deal.created', '--notify', 'owner']);
  });
});

/**
 * A firing whose result cannot be written (a trigger stands in for a locked database or a disk
 * error) stops nothing else: the other pending firings run and are recorded, the failing one's
 * history says what happened instead of "started", its output is still in the run's --json, and
 * the run says so on stderr and exits 1.
 */
describe.each(ENGINES)('a run action whose result cannot be recorded on %s', (engine) => {
  const db = useEngineDb(engine, 'runfail');
  const crm = (args: string[], now = '2026-11-20T10:00:00Z') => crmOn(db.url, args, { CRM_NOW: now });
  const ok = (args: string[], now?: string) => {
    const r = crm(args, now);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };

  it('records the others, says what happened in the history and on stderr, and exits 1', async () => {
    ok(['automate', 'command', 'set', 'echo', '--', script(`${engine}-echo.sh`, 'cat')]);
    ok(['rule', 'add', 'won-echo', '--on', 'deal.won', '--run', 'echo', '--enable']);
    ok(['deal', 'add', 'Poison']);
    ok(['deal', 'add', 'Pumps']);
    ok(['deal', 'win', '1']);
    ok(['deal', 'win', '2']);
    await execSql(db.url, engine === 'postgres'
      ? `CREATE FUNCTION no_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.output LIKE '%Poison%' THEN RAISE EXCEPTION 'disk I/O error (simulated)'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER no_poison BEFORE UPDATE ON rule_firings FOR EACH ROW EXECUTE FUNCTION no_poison();`
      : `CREATE TRIGGER no_poison BEFORE UPDATE ON rule_firings WHEN NEW.output LIKE '%Poison%' BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;`);

    const r = crm(['automate', 'run', '--json'], '2026-11-20T10:01:00Z');
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout);
    expect(run.fired.map((f: { record: string }) => f.record)).toEqual(['deal #1', 'deal #2']);
    expect(run.fired[0].outcome).toMatch(/^ok; result not recorded: .*disk I\/O error \(simulated\)/);
    expect(run.fired[0].output[0].stdout).toContain('deal #1 Poison');
    expect(run.fired[1]).toMatchObject({ outcome: 'ok', actions: ['ran echo: exit 0'] });
    expect(r.stderr).toMatch(/Rule won-echo on deal #1: ran echo: exit 0, but its result could not be recorded \(tried 3 times\): .*disk I\/O error/);
    expect(r.stderr).toContain('"message":"1 firing ran but could not record its result');
    const plain = crm(['rule', 'history', 'won-echo']);
    expect(plain.stdout).toContain('result not recorded');

    const history = JSON.parse(ok(['rule', 'history', 'won-echo', '--json']).stdout) as { record: string; outcome: string; output: { stdout: string }[] }[];
    const byRecord = Object.fromEntries(history.map((h) => [h.record, h]));
    expect(byRecord['deal #1']!.outcome).toMatch(/^ok; result not recorded: .*disk I\/O error/);
    expect(byRecord['deal #2']!.outcome).toBe('ok');
    expect(byRecord['deal #2']!.output[0]!.stdout).toContain('deal #2 Pumps');
    // Nothing is run twice: the next run has nothing to do and exits 0.
    expect(JSON.parse(ok(['automate', 'run', '--json'], '2026-11-20T10:02:00Z').stdout).fired).toEqual([]);
  });
});

/**
 * The result write is retried: a PostgreSQL sequence (not rolled back with the failed attempts)
 * lets a trigger refuse the first two writes only; the third records the result as usual. (SQLite
 * rolls every trace of a failed attempt back, so the same trick has no counterpart there; the
 * retry itself is engine-neutral code, and the test above covers giving up on both engines.)
 */
describe('a run action result write that fails twice on postgres', () => {
  const db = useEngineDb('postgres', 'runretry');
  const crm = (args: string[], now = '2026-11-20T10:00:00Z') => crmOn(db.url, args, { CRM_NOW: now });

  it('is retried and recorded, and the run exits 0', async () => {
    for (const args of [['automate', 'command', 'set', 'echo', '--', script('retry-echo.sh', 'cat')], ['rule', 'add', 'won-echo', '--on', 'deal.won', '--run', 'echo', '--enable'], ['deal', 'add', 'Pumps'], ['deal', 'win', '1']]) {
      expect(crm(args).code).toBe(0);
    }
    await execSql(db.url, `CREATE SEQUENCE result_tries;
      CREATE FUNCTION flaky() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.output IS NOT NULL AND nextval('result_tries') <= 2 THEN RAISE EXCEPTION 'could not write (simulated)'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER flaky BEFORE UPDATE ON rule_firings FOR EACH ROW EXECUTE FUNCTION flaky();`);
    const r = crm(['automate', 'run', '--json'], '2026-11-20T10:01:00Z');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fired).toEqual([expect.objectContaining({ record: 'deal #1', outcome: 'ok' })]);
    const history = JSON.parse(crm(['rule', 'history', 'won-echo', '--json']).stdout);
    expect(history[0]).toMatchObject({ outcome: 'ok', actions: ['ran echo: exit 0'] });
    expect(history[0].output[0].stdout).toContain('deal #1 Pumps');
    expect(Number((await querySql(db.url, 'SELECT last_value FROM result_tries'))[0]!.last_value)).toBe(3);
  });
});
