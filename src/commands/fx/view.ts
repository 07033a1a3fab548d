import type { FxRateRecord } from '../../domain/fx.js';
import type { ListView } from '../../output/columns.js';

/** One rate row, for fx list and the --json of fx set / fx import. */
export const rateView: ListView<FxRateRecord> = [
  { key: 'date', label: 'Date', format: 'date' },
  { key: 'base', label: 'Base' },
  { key: 'quote', label: 'Quote' },
  { key: 'rate', label: 'Rate' },
  { key: 'source', label: 'Source' },
];
