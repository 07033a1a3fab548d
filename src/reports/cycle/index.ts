/** crm report cycle: days from creation (or first stage) to won; time in each stage. */
import { defineReport } from '../engine.js';
import { effectiveEnd } from '../scope.js';
import { buildCycle, type CycleStart } from './build.js';
import { cycleStats, stageStats, type CycleGroup } from './query.js';

export const definition = defineReport<{ by: CycleGroup; start: CycleStart }>({
  name: 'cycle',
  description: 'days from creation (or first stage) to won, mean and median; time in each stage',
  examples: ['crm report cycle --period 2026', 'crm report cycle --by source --start first-stage', 'crm report cycle --owner sara --json'],
  period: 'quarter',
  asOf: true,
  owners: true,
  options: [
    { flags: '--by <group>', description: 'group by', choices: ['owner', 'source'], default: 'owner' },
    { flags: '--start <event>', description: 'measure from', choices: ['created', 'first-stage'], default: 'created' },
  ],
  async run({ session, scope, flags }) {
    const end = effectiveEnd(scope);
    const [stats, stages] = await Promise.all([
      cycleStats(session.db, scope, flags.by, scope.period.start, end, flags.start === 'first-stage'),
      stageStats(session.db, scope, scope.period.start, end),
    ]);
    return buildCycle(stats, stages, { scope, by: flags.by, start: flags.start });
  },
});
