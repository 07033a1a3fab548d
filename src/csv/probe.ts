/**
 * The texts a file's rows can look records up by — for an engine that must first fetch the
 * stored records an import may read (PostgreSQL: src/db/postgres/import.ts copies only the
 * records these texts can match, not whole tables).
 *
 * A superset, never an exact list: every cell of a field the importer matches or resolves
 * references by (keys, names, companies, contacts, deals, requesters, subjects) is given as
 * read (MappedRow.get: value maps and digits applied), lower-cased and folded (fold(), what
 * the *_fold columns and crm_fold() hold), as a web domain, and as the name pair (first, U+0001,
 * last) and folded full name the contact converter derives. A text that matches nothing costs only its line.
 */
import { fold } from '../db/fold.js';
import { splitName } from '../domain/validate.js';
import type { ImportOptions } from './importer.js';
import type { Mapping } from './mapping.js';
import { TableReader } from './reader.js';
import { MappedRow } from './row.js';

/** The fields whose values the importer looks records up by (every entity's spelling). */
const LOOKUP_FIELDS = ['email', 'external_id', 'name', 'first_name', 'last_name', 'company', 'company_domain', 'domain', 'contact', 'deal', 'requester', 'requester_email', 'requester_name', 'title', 'subject'];

/** Subjects an activity gets when its row has none (its kind, capitalised). */
const KIND_SUBJECTS = ['Call', 'Meeting', 'Email', 'Note', 'Task', 'Newsletter', 'Letter', 'Linkedin', 'Touch'];

function domainOf(v: string): string {
  return v.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '');
}

/**
 * The lookup texts of every row of `file`, a few per row (repeats within a row left out; across
 * rows the consumer removes them). Reads the file once more, on this thread, holding one row.
 */
export function* lookupTexts(file: string, mapping: Mapping, opts: Pick<ImportOptions, 'encoding' | 'delimiter'>): Generator<string> {
  const fields = LOOKUP_FIELDS.filter((f) => mapping.fields.has(f));
  const reader = new TableReader(file, { encoding: opts.encoding, delimiter: opts.delimiter });
  try {
    yield* KIND_SUBJECTS;
    const seen = new Set<string>();
    for (;;) {
      const r = reader.next();
      if (!r) break;
      const row = new MappedRow(mapping, r.cells, r.row);
      seen.clear();
      const add = (v: string | null | undefined) => {
        if (v) seen.add(v);
      };
      const value = (field: string): string | null => {
        try {
          return row.get(field);
        } catch {
          return null; // a cell the row is rejected for: it looks nothing up
        }
      };
      for (const field of fields) {
        const v = value(field);
        if (v === null) continue;
        add(v);
        add(v.toLowerCase());
        add(fold(v));
        if (field.includes('domain') || field === 'company') add(domainOf(v));
      }
      // A ticket or activity without a subject takes the first line of its description or body.
      for (const field of ['description', 'body']) {
        const v = mapping.fields.has(field) ? value(field) : null;
        if (v === null) continue;
        const line = v.split('\n')[0]!.slice(0, 120);
        add(line);
        add(fold(line));
      }
      // The contact converter's name parts (exact: rows without a key match by them) and full name.
      let first = value('first_name');
      let last = value('last_name');
      const name = value('name');
      if (first === null && last === null && name !== null) ({ first, last } = splitName(name));
      if (first !== null || last !== null) {
        // The pair, as rows without a key are matched (by both parts: one part alone is too common).
        seen.add(`${first ?? ''}\u0001${last ?? ''}`);
        add(fold(`${first ?? ''} ${last ?? ''}`));
      }
      yield* seen;
    }
  } finally {
    reader.close();
  }
}
