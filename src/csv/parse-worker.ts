/**
 * The parsing half of a large import, on a second core: read, decode and parse the file
 * (TableReader) and hand the rows to the importer in batches over a MessagePort, while the main
 * thread converts and writes the previous batch. Shared counters let the main thread wait for
 * a batch synchronously (it holds the write transaction) and keep the worker at most a few
 * batches ahead, so memory stays bounded.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CrmError } from '../errors.js';
import type { KeyColumns } from './key-cells.js';
import { TableReader } from './reader.js';

interface Data {
  file: string;
  encoding?: string;
  delimiter?: string;
  port: MessagePort;
  counters: SharedArrayBuffer;
  batchRows: number;
  maxAhead: number;
}

const d = workerData as Data;
const counters = new Int32Array(d.counters); // [0] batches posted, [1] batches consumed, [2] key plan posted
function post(message: unknown, transfer: ArrayBuffer[] = []): void {
  d.port.postMessage(message, transfer);
  Atomics.add(counters, 0, 1);
  Atomics.notify(counters, 0);
}

/**
 * The importer's plan, posted once it has mapped the header: the key columns (or null), and how
 * many rows of the first chunk it has read itself (this thread parses and skips them).
 */
function waitForPlan(): { columns: KeyColumns | null; skip: number } {
  for (;;) {
    const got = receiveMessageOnPort(d.port);
    if (got) return got.message as { columns: KeyColumns | null; skip: number };
    Atomics.wait(counters, 2, 0, 100);
  }
}

try {
  const reader = new TableReader(d.file, { encoding: d.encoding, delimiter: d.delimiter });
  const plan = waitForPlan();
  const keyColumns = plan.columns;
  if (keyColumns) reader.watchKeyCells(keyColumns); // the skipped rows' keys count as seen too
  for (let left = plan.skip; left > 0; ) {
    const skipped = reader.nextBatch(Math.min(left, d.batchRows)).length;
    if (skipped === 0) break;
    left -= skipped;
  }
  for (;;) {
    // Stay at most maxAhead batches in front of the importer (which wakes this thread once it
    // has taken half of them).
    for (;;) {
      const posted = Atomics.load(counters, 0);
      const consumed = Atomics.load(counters, 1);
      if (posted - consumed < d.maxAhead) break;
      Atomics.wait(counters, 1, consumed, 1000);
    }
    const rows = reader.nextBatch(d.batchRows);
    if (rows.length === 0) break;
    let seen: Uint8Array<ArrayBuffer> | undefined;
    if (keyColumns) {
      seen = new Uint8Array(rows.length);
      for (let i = 0; i < rows.length; i++) if (rows[i]!.keySeen) seen[i] = 1;
    }
    if (reader.sawNul) {
      post({ kind: 'rows', first: rows[0]!.row, cells: rows.map((r) => r.cells), seen, bytesRead: reader.bytesRead }, seen ? [seen.buffer] : []);
    } else {
      // One string per batch (cells NUL-separated) and the row widths: structured-cloning
      // 2,000 small arrays cost more on both threads than the whole join and split.
      const widths = new Int32Array(rows.length);
      const flat: string[] = [];
      for (let i = 0; i < rows.length; i++) {
        const cells = rows[i]!.cells;
        widths[i] = cells.length;
        for (const c of cells) flat.push(c);
      }
      post({ kind: 'packed', first: rows[0]!.row, text: flat.join('\u0000'), widths, seen, bytesRead: reader.bytesRead }, seen ? [widths.buffer, seen.buffer] : [widths.buffer]);
    }
  }
  reader.close();
  post({ kind: 'end' });
} catch (err) {
  const e = err as Error;
  post({ kind: 'error', message: e.message, hint: err instanceof CrmError ? err.hint : undefined, code: err instanceof CrmError ? err.code : undefined, user: err instanceof CrmError });
}
parentPort?.close();
