/**
 * Repeated keys, spotted in the raw cells while a file is parsed — on the parse worker for large
 * files — so that a bulk load into an empty table need not hash and probe every row's key on the
 * importing thread. (On the importing thread that was ~0.3 s of a 1M-row contacts import: the
 * probes of a set of a million hashes miss the CPU caches between rows.)
 *
 * A cell key is a natural key whose value is the text MappedRow.get gives for one field,
 * trimmed and perhaps lower-cased (an external id, an email address). Its value is then a
 * function of cellKeyText(cell) — equal keys, equal texts — so a row none of whose key texts
 * occurred in an earlier row cannot repeat an earlier row's key. The reverse need not hold: a row
 * marked seen (same text, a hash collision, another column of a field fed by several) only takes
 * the exact path, a lookup.
 */
import { hashKey, IntSet } from './key-hash.js';
import type { RawRow } from './reader.js';
import { present } from './row.js';

/** Per match key, the columns feeding its field (several columns may feed one field). */
export type KeyColumns = number[][];

/** A cell's key text: its value as MappedRow.get gives it, trimmed and lower-cased; null when missing or empty. */
export function cellKeyText(cell: string | undefined): string | null {
  const v = present(cell)?.trim();
  return v ? v.toLowerCase() : null;
}

/** The key texts of the rows read so far. */
export class KeyCellWatch {
  private seen: IntSet;
  private names: string[];

  /**
   * expectedRows sizes the set up front: growing it to a million keys rehashed two million, as
   * many cache misses again (~0.1 s of the worker's time). An estimate from the first chunk can be
   * far off, so no more than a million are reserved (8 MB); beyond that the set grows.
   */
  constructor(
    private readonly columns: KeyColumns,
    expectedRows = 0,
  ) {
    this.seen = IntSet.sizedFor(Math.min(expectedRows, 1 << 20));
    this.names = columns.map((_c, k) => String(k));
  }

  /** Notes the row's key texts; whether any of them occurred in an earlier row (or collides with one). */
  seenBefore(cells: string[]): boolean {
    let seen = false;
    for (let k = 0; k < this.columns.length; k++) {
      for (const i of this.columns[k]!) {
        const text = cellKeyText(cells[i]);
        if (text !== null && this.seen.addIfAbsent(hashKey(this.names[k]!, text))) seen = true;
      }
    }
    return seen;
  }

  /**
   * seenBefore for each row of a batch, in order (RawRow.keySeen). The hashes are made first and
   * then added in one tight loop: the set's probes miss the CPU caches, and in a loop the misses
   * overlap (a third less time than row by row in a 1M-row micro-benchmark).
   */
  markBatch(rows: RawRow[]): void {
    const hashes: number[] = [];
    const owners: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const cells = rows[r]!.cells;
      rows[r]!.keySeen = false;
      for (let k = 0; k < this.columns.length; k++) {
        for (const i of this.columns[k]!) {
          const text = cellKeyText(cells[i]);
          if (text === null) continue;
          hashes.push(hashKey(this.names[k]!, text));
          owners.push(r);
        }
      }
    }
    for (let j = 0; j < hashes.length; j++) if (this.seen.addIfAbsent(hashes[j]!)) rows[owners[j]!]!.keySeen = true;
  }
}
