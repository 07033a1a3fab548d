/**
 * Loads the tickets the SLA report needs (one ordered query each) and hands them to the pure
 * builder. Over a large creation range the work is shared with a worker thread: it takes the upper
 * half of the id range on its own connection (sla-worker.ts), this thread the lower half, and the
 * counts and times are merged before the medians are taken — the same numbers either way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { streamTicketsWithEvents, ticketIdBounds } from '../../db/sqlite-tickets.js';
import { ticketsWithEvents } from '../../db/tickets.js';
import type { Period } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { SLA_EVENT_KINDS } from '../../domain/ticket-sla.js';
import { slaContext } from '../../domain/tickets.js';
import { userHandles as handles } from '../query.js';
import { accumulateSla, buildSlaReport, finishSlaReport, mergeSla, type Acc, type SlaGrouping, type SlaReport } from './build.js';
import type { SlaWorkerData } from './sla-worker.js';

/** From this many ids in the range, a worker thread takes half (CRM_SLA_THREAD_TICKETS changes it; 0: never). */
function threadFrom(): number {
  const v = process.env.CRM_SLA_THREAD_TICKETS;
  return v === undefined || v === '' ? 50_000 : Number(v) || Infinity;
}

/** The built worker script next to this chunk (dist/sla-worker.cjs); absent when running from src. */
function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./sla-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** assigneeIds: only tickets assigned to these users (the KPI screen's --owner/--team); null or absent: all. */
export async function slaReport(s: Session, opts: { period: Period; asOf: Date; by?: SlaGrouping; assigneeIds?: number[] | null }): Promise<SlaReport> {
  const ctx = await slaContext(s.db.kysely);
  const users = await handles(s);
  const asOf = opts.asOf.toISOString();
  const params = { period: opts.period, asOf: opts.asOf, by: opts.by, handles: users };
  if (opts.assigneeIds == null) {
    // Only the event kinds SLA results read (SLA_EVENT_KINDS): notes, `created`, edits… are
    // skipped by the database instead of being packed, sent and unpacked for nothing.
    const range = { createdFrom: opts.period.start, createdTo: opts.period.end, asOf, kinds: SLA_EVENT_KINDS };
    // The threaded split reads the SQLite file from a worker with its own connection.
    const bounds = s.db.engine === 'sqlite' ? ticketIdBounds(s.db, range.createdFrom, range.createdTo) : undefined;
    const script = workerScript();
    if (bounds && script && s.db.engine === 'sqlite' && bounds[1] - bounds[0] + 1 >= threadFrom() && s.db.path !== ':memory:' && s.db.path !== '') {
      const mid = Math.floor((bounds[0] + bounds[1]) / 2);
      const data: SlaWorkerData = {
        path: s.db.path,
        journal: String(s.db.sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal' ? 'wal' : 'delete',
        ...range,
        idFrom: mid + 1,
        idTo: bounds[1],
        by: opts.by,
        handles: [...users],
      };
      const worker = new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
      type Reply = { ok: true; total: Acc; groups: [string | null, Acc][] } | { ok: false; message: string };
      const reply = new Promise<Reply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the SLA report's worker thread stopped (exit code ${code})`)));
      });
      const acc = accumulateSla(streamTicketsWithEvents(s.db, { ...range, idFrom: bounds[0], idTo: mid }), ctx, params);
      // A worker that could not do its share (no thread, its connection refused): this thread does it.
      const r = await reply.catch((err: unknown): Reply => ({ ok: false, message: String(err) }));
      if (r.ok) mergeSla(acc, r);
      else {
        const rest = accumulateSla(streamTicketsWithEvents(s.db, { ...range, idFrom: mid + 1, idTo: bounds[1] }), ctx, params);
        mergeSla(acc, { total: rest.total, groups: [...rest.groups] });
      }
      return finishSlaReport(acc, params);
    }
    // The bounds, once known, spare the stream its own bounds query.
    return buildSlaReport(ticketsWithEvents(s.db, bounds ? { ...range, idFrom: bounds[0], idTo: bounds[1] } : range), ctx, params);
  }
  const ids = opts.assigneeIds.length
    ? await s.db.kysely
        .selectFrom('tickets')
        .select('id')
        .where('created_at', '>=', opts.period.start)
        .where('created_at', '<', opts.period.end)
        .where('created_at', '<=', asOf)
        .where('assignee_id', 'in', opts.assigneeIds)
        .execute()
    : [];
  return buildSlaReport(ticketsWithEvents(s.db, { ids: ids.map((r) => r.id), asOf, kinds: SLA_EVENT_KINDS }), ctx, params);
}
