import { describe, expect, it } from 'vitest';
import { businessDaySeconds, formatHours, hoursFromJson, hoursToJson, parseHours } from '../../../src/domain/sla/hours.js';
import { parseTargetList } from '../../../src/domain/sla/targets.js';
import { assertValidZone } from '../../../src/domain/sla/time-basis.js';

describe('business hours', () => {
  it('reads several intervals per weekday and several groups', () => {
    const week = parseHours('mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00');
    expect(week.mon).toEqual([[540, 750], [810, 1080]]);
    expect(week.sat).toEqual([[600, 840]]);
    expect(week.sun).toEqual([]);
    expect(formatHours(week)).toBe('mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00');
    expect(formatHours(hoursFromJson(hoursToJson(week)))).toBe('mon-fri 09:00-12:30,13:30-18:00; sat 10:00-14:00');
    expect(businessDaySeconds(week)).toBe(8 * 3600);
  });

  it('knows 24/7 and 24:00', () => {
    expect(formatHours(parseHours('24/7'))).toBe('24/7');
    expect(parseHours('mon 22:00-24:00; tue 00:00-06:00').mon).toEqual([[1320, 1440]]);
  });

  it.each([
    ['mon-fri 18:00-09:00', 'ends before it starts'],
    ['mon-fri 09:00-12:30,12:00-18:00', 'overlap on mon'],
    ['mon-fri 09:00-13:00; wed 12:00-14:00', 'overlap on wed'],
    ['funday 09:00-18:00', 'not a weekday'],
    ['mon-fri 9-18', 'not a time of day'],
    ['mon-fri 09:00', 'not an interval'],
    ['mon-fri 09:00-25:00', 'not a time of day'],
    ['', 'empty'],
  ])('rejects "%s" (%s)', (spec, message) => {
    expect(() => parseHours(spec)).toThrow(message);
  });

  it('accepts IANA zones only', () => {
    expect(assertValidZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(() => assertValidZone('Mars/Olympus')).toThrow('Unknown time zone "Mars/Olympus"');
  });
});

describe('targets', () => {
  it('reads priority=duration lists', () => {
    expect(parseTargetList('normal=1h,high=30m', '--first-reply')).toEqual({ normal: '1h', high: '30m' });
    expect(parseTargetList('all=2d', '--resolution')).toEqual({ low: '2d', normal: '2d', high: '2d', urgent: '2d' });
  });

  it.each([
    ['normal=-1h', 'negative'],
    ['normal=0h', 'zero'],
    ['normal=soon', 'not a duration'],
    ['normal=1w', 'not a duration'],
    ['critical=1h', 'unknown priority'],
    ['1h', 'not priority=duration'],
  ])('rejects %s', (text, message) => {
    expect(() => parseTargetList(text, '--first-reply')).toThrow(message);
  });
});
