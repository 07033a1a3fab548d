import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/sqlite.js';
import { streamTicketsWithEvents } from '../../src/db/sqlite-tickets.js';
import { useTempDb } from '../helpers/run-cli.js';

let db: Db;

useTempDb({
  seed: (t) => {
    db = openDatabase(t.db);
    // 10,000 tickets (more than one chunk), ids not in creation order, events inserted out of order.
    const ins = db.sqlite.prepare("INSERT INTO tickets (id, subject, created_at, updated_at) VALUES (?, 's', ?, ?)");
    const ev = db.sqlite.prepare("INSERT INTO ticket_events (ticket_id, kind, actor, at) VALUES (?, ?, 'x', ?)");
    db.sqlite.transaction(() => {
      for (let i = 1; i <= 10000; i++) {
        const created = new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 10000) * 60000).toISOString();
        ins.run(i, created, created);
      }
      for (let k = 0; k < 3; k++) {
        for (let i = 10000; i >= 1; i -= 1 + (i % 3)) ev.run(i, k === 0 ? 'created' : 'reply', new Date(Date.UTC(2026, 2, 1) - k * 1000 + i).toISOString());
      }
    })();
  },
});
afterEach(() => db.close());

describe('streamTicketsWithEvents', () => {
  it('returns exactly the tickets created in the range, each with its events in time order', () => {
    const from = '2026-01-02T00:00:00.000Z';
    const to = '2026-01-05T00:00:00.000Z';
    const streamed = [...streamTicketsWithEvents(db, { createdFrom: from, createdTo: to })];
    const expectedIds = (db.sqlite.prepare('SELECT id FROM tickets WHERE created_at >= ? AND created_at < ? ORDER BY id').pluck().all(from, to) as number[]);
    expect(expectedIds.length).toBeGreaterThan(4096);
    expect(streamed.map((x) => x.id)).toEqual(expectedIds);
    const events = db.sqlite.prepare('SELECT ticket_id, kind, at FROM ticket_events ORDER BY ticket_id, at, id').all() as { ticket_id: number; kind: string; at: string }[];
    const byTicket = new Map<number, { kind: string; at: string }[]>();
    for (const e of events) byTicket.set(e.ticket_id, [...(byTicket.get(e.ticket_id) ?? []), { kind: e.kind, at: e.at }]);
    for (const s of streamed) expect(s.events.map((e) => ({ kind: e.kind, at: e.at }))).toEqual(byTicket.get(s.id) ?? []);
  });

  it('by ids: the same tickets and events, whatever the order of the ids', () => {
    const ids = [10000, 5, 4097, 1, 8192, 5];
    const streamed = [...streamTicketsWithEvents(db, { ids })];
    expect(streamed.map((x) => x.id)).toEqual([1, 5, 4097, 8192, 10000]);
    expect(streamed.find((x) => x.id === 10000)!.events.map((e) => e.kind)).toEqual(['reply', 'reply', 'created']);
  });

  it('as of a moment: leaves out tickets created after it', () => {
    const asOf = '2026-01-01T10:00:00.000Z';
    const n = db.sqlite.prepare('SELECT count(*) FROM tickets WHERE created_at <= ?').pluck().get(asOf);
    expect([...streamTicketsWithEvents(db, { asOf })]).toHaveLength(n as number);
  });

  it('with kinds: the same tickets, only the events of those kinds (by range, by ids, for a given id share)', () => {
    const all = [...streamTicketsWithEvents(db, {})];
    const only = (kinds: string[]) => all.map((t) => ({ ...t, events: t.events.filter((e) => kinds.includes(e.kind)) }));
    expect([...streamTicketsWithEvents(db, { kinds: ['reply'] })]).toEqual(only(['reply']));
    expect([...streamTicketsWithEvents(db, { kinds: ['created', 'reply'] })]).toEqual(all);
    expect([...streamTicketsWithEvents(db, { ids: [1, 5, 10000], kinds: ['created'] })]).toEqual(only(['created']).filter((t) => [1, 5, 10000].includes(t.id)));
    expect([...streamTicketsWithEvents(db, { idFrom: 4000, idTo: 4200, kinds: ['reply'] })]).toEqual(only(['reply']).filter((t) => t.id >= 4000 && t.id <= 4200));
  });
});
