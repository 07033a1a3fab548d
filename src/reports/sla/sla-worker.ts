/**
 * A worker thread of `crm report sla`: the SLA clocks of the tickets in one share of the id range,
 * on its own connection, handed back as counts and times (see query.ts). Built as dist/sla-worker.cjs (an entry of scripts/build.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/sqlite.js';
import { streamTicketsWithEvents } from '../../db/sqlite-tickets.js';
import { SLA_EVENT_KINDS } from '../../domain/ticket-sla.js';
import { slaContext } from '../../domain/tickets.js';
import { accumulateSla, type SlaGrouping } from './build.js';

export interface SlaWorkerData {
  path: string;
  journal: 'wal' | 'delete';
  createdFrom: string;
  createdTo: string;
  asOf: string;
  idFrom: number;
  idTo: number;
  by?: SlaGrouping;
  handles: [number, string][];
}

const d = workerData as SlaWorkerData;

async function run(): Promise<void> {
  const db = openDatabase(d.path, { migrate: false, create: false, journal: d.journal });
  try {
    const ctx = await slaContext(db.kysely);
    const tickets = streamTicketsWithEvents(db, { createdFrom: d.createdFrom, createdTo: d.createdTo, asOf: d.asOf, idFrom: d.idFrom, idTo: d.idTo, kinds: SLA_EVENT_KINDS });
    const acc = accumulateSla(tickets, ctx, { asOf: new Date(d.asOf), by: d.by, handles: new Map(d.handles) });
    parentPort!.postMessage({ ok: true, total: acc.total, groups: [...acc.groups] });
  } finally {
    db.close();
  }
}

run().catch((err: unknown) => parentPort!.postMessage({ ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
