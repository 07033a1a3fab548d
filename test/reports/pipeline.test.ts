import { describe, expect, it } from 'vitest';
import { buildPipelineReport } from '../../src/reports/pipeline/build.js';

const stages = [
  { id: 1, name: 'Prospecting', position: 1, probability: 10, kind: 'open' as const },
  { id: 2, name: 'Quote', position: 2, probability: 50, kind: 'open' as const },
  { id: 3, name: 'Won', position: 3, probability: 100, kind: 'won' as const },
];
const params = { now: new Date('2026-11-20T17:55:00Z'), pipeline: { id: 1, name: 'Sales' } };

describe('buildPipelineReport', () => {
  it('keeps currencies apart and totals the open stages per currency', () => {
    const r = buildPipelineReport(stages, [
      { stageId: 1, currency: 'EUR', count: 2, totalMinor: '1000', weightedX100: '10000' },
      { stageId: 2, currency: 'EUR', count: 1, totalMinor: '30', weightedX100: '1500' },
      { stageId: 2, currency: 'JPY', count: 1, totalMinor: '1200', weightedX100: '60000' },
      { stageId: 3, currency: 'EUR', count: 1, totalMinor: '500', weightedX100: '50000' },
    ], params);
    expect(r.currencies).toEqual(['EUR', 'JPY']);
    expect(r.stages.map((s) => s.count)).toEqual([2, 2, 1]);
    expect(JSON.parse(JSON.stringify(r.open))).toEqual([
      { currency: 'EUR', count: 3, total: { amount: '10.30', currency: 'EUR' }, weighted: { amount: '1.15', currency: 'EUR' } },
      { currency: 'JPY', count: 1, total: { amount: '1200', currency: 'JPY' }, weighted: { amount: '600', currency: 'JPY' } },
    ]);
    expect(JSON.parse(JSON.stringify(r.won))).toEqual([{ currency: 'EUR', count: 1, total: { amount: '5.00', currency: 'EUR' }, weighted: { amount: '5.00', currency: 'EUR' } }]);
  });

  it('rounds weighted sums half-up once, from the exact sum', () => {
    // 3.5 + 3.5 cents: rounding each first would give 8, the exact sum gives 7.
    const r = buildPipelineReport(stages, [
      { stageId: 1, currency: 'EUR', count: 1, totalMinor: '35', weightedX100: '350' },
      { stageId: 2, currency: 'EUR', count: 1, totalMinor: '7', weightedX100: '350' },
    ], params);
    expect(r.stages[0]!.byCurrency[0]!.weighted.amount).toBe('0.04');
    expect(r.stages[1]!.byCurrency[0]!.weighted.amount).toBe('0.04');
    expect(r.open[0]!.weighted.amount).toBe('0.07');
  });

  it('shows empty stages and no totals for an empty pipeline', () => {
    const r = buildPipelineReport(stages, [], params);
    expect(r.stages.map((s) => [s.name, s.count, s.byCurrency])).toEqual([['Prospecting', 0, []], ['Quote', 0, []], ['Won', 0, []]]);
    expect(r.open).toEqual([]);
  });
});
