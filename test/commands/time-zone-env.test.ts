/** Issue 14 item 9 (TZ): an invalid TZ is a one-line usage error naming the variable, not an internal error. */
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm } = useTempDb();

describe('TZ', () => {
  it('TZ=Not/AZone: exit 2, one line naming TZ and what to set, no stack — for every command that reads it', async () => {
    for (const argv of [['agenda'], ['contact', 'list'], ['report', 'kpi'], ['task', 'add', 'Call back', '--due', 'tomorrow']]) {
      const r = await crm(argv, { env: { TZ: 'Not/AZone' } });
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toBe('error: TZ=Not/AZone is not a time zone crm knows.\nhint: Set TZ to an IANA zone such as Europe/Berlin, America/New_York or UTC, or unset it for the system zone.\n');
    }
    const json = await crm(['agenda', '--json'], { env: { TZ: 'Not/AZone' } });
    expect(JSON.parse(json.stderr).error.code).toBe('invalid_tz');
  });

  it('accepts IANA zones, with the leading colon glibc allows', async () => {
    for (const tz of ['Europe/Berlin', ':Asia/Tokyo', 'UTC']) {
      expect((await crm(['agenda'], { env: { TZ: tz } })).exitCode, tz).toBe(0);
    }
  });
});
