/**
 * A RowSource backed by the parsing worker (parse-worker.ts). The importer stays synchronous —
 * it holds the file's write transaction — so batches are received with receiveMessageOnPort,
 * sleeping on a shared counter (Atomics.wait) until the worker has posted one.
 *
 * A worker takes ~70 ms to start. Meanwhile this thread reads the file's first chunk itself: the
 * header, and the rows parsed from that chunk, which the importer takes first and the worker
 * parses but skips. (The importer used to wait for the worker's header and first batch.)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { KeyColumns } from './key-cells.js';
import { ROWS_PENDING, TableReader, type RawRow, type RowSource } from './reader.js';

type Message =
  | { kind: 'rows'; first: number; cells: string[][]; seen?: Uint8Array; bytesRead: number }
  | { kind: 'packed'; first: number; text: string; widths: Int32Array; seen?: Uint8Array; bytesRead: number }
  | { kind: 'end' }
  | { kind: 'error'; message: string; hint?: string; code?: string; user: boolean };

/** The built worker script next to this chunk (dist/parse-worker.cjs: the build renames the chunks); absent when running from src. */
export function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * The worker's young generation. With 8 MB, the rows parsed from a 1 MiB chunk outlived their
 * scavenges and were promoted: ~230 scavenges and ~29 full collections, 1.3 s of the worker's
 * CPU for a 1M-row file (time a loaded 2-core machine takes from the importer). With 32 MB:
 * ~60 and 6, 0.4 s, for ~30 MB more peak memory (about 200 MB for 1M contacts).
 */
const YOUNG_MB = 32;

/**
 * Batches (of 2,000 rows, ~150 KB posted) the worker may parse ahead of the importer. 32 rather
 * than 8 rides out the worker's pauses (its collections, a busy core): the importer's waits in
 * 1M-row profiles went from ~0.18 s to ~0.1 s, for ~2 MB more peak memory.
 */
const MAX_AHEAD = 32;

/** The worker's old generation (CRM_IMPORT_WORKER_HEAP_MB changes it). */
const HEAP_MB = Number(process.env.CRM_IMPORT_WORKER_HEAP_MB) || 48;

/** How long one synchronous wait for a batch lasts before the event loop is let in (to see the worker's exit). */
const WAIT_MS = 200;

export class ThreadedTableReader implements RowSource {
  readonly file: string;
  header: string[] = [];
  delimiter = ',';
  encoding = 'utf-8';
  size = 0;
  bytesRead = 0;
  private worker: Worker;
  private port: MessagePort;
  private counters: Int32Array;
  private received = 0;
  private batch: string[][] = [];
  private seen?: Uint8Array;
  private keyPlanSent = false;
  /** The first chunk, read by this thread; undefined once its rows are taken. */
  private head?: TableReader;
  /** The rows of the first chunk, which the worker skips. */
  private headRows: number;
  private at = 0;
  private first = 0;
  private done = false;
  /** Set by the worker's exit or error event: why it stopped. Events need the event loop (whenReady). */
  private death?: string;
  private exited = false;

  constructor(file: string, script: string, opts: { encoding?: string; delimiter?: string }) {
    this.file = file;
    const shared = new SharedArrayBuffer(12);
    this.counters = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(script, { workerData: { file, encoding: opts.encoding, delimiter: opts.delimiter, port: port2, counters: shared, batchRows: 2000, maxAhead: MAX_AHEAD }, transferList: [port2], resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: YOUNG_MB } });
    this.worker.unref();
    // A worker can die without a word (its heap limit, a crash): these events are how we learn.
    this.worker.on('error', (err: Error & { code?: string }) => {
      this.death ??= err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : err.message;
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.done) this.death ??= `it exited with code ${code}`;
    });
    try {
      this.head = new TableReader(file, opts);
    } catch (err) {
      this.close();
      throw err;
    }
    this.header = this.head.header;
    this.delimiter = this.head.delimiter;
    this.encoding = this.head.encoding;
    this.size = this.head.size;
    this.bytesRead = this.head.bytesRead;
    this.headRows = this.head.bufferedRows();
  }

  /** The next message, or undefined when none came within one wait (see whenReady). */
  private receive(): Message | undefined {
    let waited = false;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        this.received++;
        Atomics.store(this.counters, 1, this.received);
        // A worker MAX_AHEAD batches ahead sleeps until half of them are taken: waking it for
        // every batch cost a futex wake and often a context switch each (~0.03 s of 1M rows
        // with 8 batches ahead, several times that on a loaded machine). While it sleeps no batch is posted, so the
        // count of queued batches passes the half mark exactly once. (Should that wake-up be
        // missed, the worker's wait times out.)
        if (Atomics.load(this.counters, 0) - this.received === MAX_AHEAD / 2) Atomics.notify(this.counters, 1);
        const m = got.message as Message;
        if (m.kind === 'error') {
          this.close();
          if (m.user) throw new UserError(m.message, m.hint, m.code);
          throw new Error(m.message);
        }
        return m;
      }
      const posted = Atomics.load(this.counters, 0);
      if (posted > this.received) continue; // posted but not yet visible on the port
      if (waited) return undefined;
      Atomics.wait(this.counters, 0, posted, WAIT_MS);
      waited = true;
    }
  }

  /**
   * After next() gave ROWS_PENDING: lets the event loop run once, so a worker that died is
   * reported (one line, within a wait or two) instead of waited for for ever with the file's
   * write transaction open.
   */
  async whenReady(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.death === undefined && !this.exited) return;
    if (Atomics.load(this.counters, 0) > this.received) return; // its last messages are still to be read
    const why = this.death ?? 'it stopped';
    this.close();
    throw new UserError(
      `Reading ${this.file} failed: the CSV parser stopped (${why}); nothing was imported.`,
      'A stray quote can make one field swallow the rest of the file: check the quotes near the top. CRM_IMPORT_THREAD_BYTES=1e15 parses on the main thread.',
      'parser_died',
    );
  }

  /** The worker waits for this (or for the first next()) before it reads the rows. */
  watchKeyCells(columns: KeyColumns): void {
    if (this.keyPlanSent) return;
    this.head?.watchKeyCells(columns, this.headRows);
    this.sendKeyPlan(columns);
  }

  private sendKeyPlan(columns: KeyColumns | null): void {
    if (this.keyPlanSent) return;
    this.keyPlanSent = true;
    this.port.postMessage({ columns, skip: this.headRows });
    Atomics.store(this.counters, 2, 1);
    Atomics.notify(this.counters, 2);
  }

  next(): RawRow | undefined | typeof ROWS_PENDING {
    if (!this.keyPlanSent) this.sendKeyPlan(null);
    if (this.head) {
      const r = this.head.nextBuffered();
      if (r) return r;
      this.head.close();
      this.head = undefined;
    }
    while (this.at >= this.batch.length) {
      if (this.done) return undefined;
      const m = this.receive();
      if (m === undefined) return ROWS_PENDING;
      if (m.kind === 'end') {
        this.done = true;
        this.bytesRead = this.size;
        return undefined;
      }
      if (m.kind === 'rows') {
        this.batch = m.cells;
        this.seen = m.seen;
        this.at = 0;
        this.first = m.first;
        this.bytesRead = m.bytesRead;
      } else if (m.kind === 'packed') {
        this.batch = unpack(m.text, m.widths);
        this.seen = m.seen;
        this.at = 0;
        this.first = m.first;
        this.bytesRead = m.bytesRead;
      }
    }
    const row = this.first + this.at;
    const keySeen = this.seen ? this.seen[this.at] === 1 : undefined;
    return { row, cells: this.batch[this.at++]!, keySeen };
  }

  close(): void {
    this.done = true;
    this.head?.close();
    this.port.close();
    void this.worker.terminate();
  }
}

/** The rows of a packed batch: cells NUL-separated, row widths alongside. */
export function unpack(text: string, widths: Int32Array): string[][] {
  const flat = text.split('\u0000');
  const rows: string[][] = new Array(widths.length);
  let at = 0;
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    rows[i] = flat.slice(at, at + w);
    at += w;
  }
  return rows;
}
