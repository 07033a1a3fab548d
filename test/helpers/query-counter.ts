/** Counting the queries a domain read runs (tests that pin "N queries whatever the number of rows"). */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { AnyDb } from '../../src/db/engine.js';
import type { Session } from '../../src/domain/session.js';

/** Counts the queries run through a Kysely instance (one result each; subqueries are part of their query). */
export class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

/** Runs `read` on a copy of the session whose queries are counted; returns its result and the count. */
export async function countQueries<T>(s: Session, read: (counted: Session) => Promise<T>): Promise<{ result: T; queries: number }> {
  const counter = new QueryCounter();
  const counted: Session = { ...s, db: { ...s.db, kysely: s.db.kysely.withPlugin(counter) } as AnyDb };
  const result = await read(counted);
  return { result, queries: counter.count };
}
