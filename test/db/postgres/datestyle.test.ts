/**
 * Dates come back as YYYY-MM-DD whatever the server's DateStyle: crm sets DateStyle=ISO on every
 * connection (postgres/connect.ts), so a server configured for 'SQL, DMY' changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliFor, type Cli } from '../../helpers/run-cli.js';
import { createTestPgDatabase, pgQuery } from '../../helpers/postgres.js';

let crm: Cli;

beforeAll(async () => {
  const url = await createTestPgDatabase('datestyle');
  await pgQuery(url, `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET DateStyle = 'SQL, DMY'`);
  crm = cliFor(url);
});

describe('a server whose DateStyle is SQL, DMY', () => {
  it('deal dates and the forecast month stay ISO', async () => {
    expect((await crm(['deal', 'add', 'Acme renewal', '--amount', '12500 EUR', '--close', '2026-12-15'])).exitCode).toBe(0);
    const deal = (await crm(['deal', 'show', '1', '--json'])).json();
    expect(deal.expectedClose).toBe('2026-12-15');
    const forecast = await crm(['report', 'forecast', '--json']);
    expect(forecast.exitCode, forecast.stderr).toBe(0);
    expect(forecast.stdout).toContain('"2026-12"');
    expect(forecast.stdout).not.toMatch(/15\/12\/2026|12\/2026/);
  });
});
