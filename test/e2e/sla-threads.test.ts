/**
 * `crm report sla` shares a large id range with a worker thread (src/reports/sla/query.ts). The
 * threshold is lowered here so the demo's few hundred tickets are split too: the report must be
 * the same, to the byte, with and without the worker — every grouping, with and without --as-of.
 * Spawns the built bin/crm (the worker script exists only in dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/crm', import.meta.url));
let dir: string;

function crm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', CRM_NOW: '2026-11-20T17:55:00Z', CRM_DB: join(dir, 'crm.db'), ...env },
    timeout: 60000,
  });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-e2e-sla-'));
  crm(['demo', '-q']);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report sla with a worker thread', () => {
  const cases = [[], ['--by', 'priority'], ['--by', 'assignee'], ['--by', 'category', '--as-of', '2026-11-10'], ['--by', 'channel', '--format', 'csv', '--totals']];
  it.each(cases)('the same report with and without the worker: %s', (...flags) => {
    const args = ['report', 'sla', '--period', '2026', ...(flags.includes('--format') ? [] : ['--json']), ...flags];
    const single = crm(args, { CRM_SLA_THREAD_TICKETS: '0' });
    const threaded = crm(args, { CRM_SLA_THREAD_TICKETS: '1' });
    expect(single.length).toBeGreaterThan(100);
    expect(threaded).toBe(single);
  });
});
