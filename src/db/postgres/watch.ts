/**
 * The live TUI's change feed on PostgreSQL: LISTEN crm_changes on a connection of its own. Every
 * crm write transaction NOTIFYs that channel (postgres/transaction.ts), and so does every
 * statement that changes a table (triggers of migration 0018: imports, psql); PostgreSQL
 * delivers a notification when the transaction commits, never for one rolled back. No table is
 * polled. When the listening connection is lost, it is opened again (one try a second) and the
 * feed reports a change, since notifications may have been missed meanwhile.
 */
import { changeCounter, type ChangeFeed } from '../watch.js';
import { CHANGES_CHANNEL } from './transaction.js';
import type { PgDb } from './types.js';

const RECONNECT_MS = 1000;

export async function openPostgresFeed(db: PgDb): Promise<ChangeFeed> {
  const changes = changeCounter();
  const bump = changes.bump;
  let closed = false;
  let connection: { close(): Promise<void> } | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    connection = await db.listen(CHANGES_CHANNEL, bump, () => {
      if (closed) return;
      void connection?.close();
      connection = undefined;
      scheduleReconnect();
    });
  };
  const scheduleReconnect = () => {
    retry = setTimeout(() => {
      if (closed) return;
      connect().then(bump, scheduleReconnect);
    }, RECONNECT_MS);
    retry.unref();
  };
  await connect();
  return changes.feed(async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    await connection?.close();
  });
}
