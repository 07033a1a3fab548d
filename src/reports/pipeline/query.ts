/**
 * The pipeline report's aggregate: per stage and currency, count, Σ amount and Σ amount ×
 * probability, summed by the database. The query itself is the deals module's (the board uses it
 * too): src/domain/deals.ts pipelineAggregate.
 */
export { pipelineAggregate } from '../../domain/deals.js';
