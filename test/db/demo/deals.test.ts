import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, useTempDb } from '../../helpers/run-cli.js';

let db: Database.Database;
const NOW = '2026-11-20T17:55:00.000Z';

const t = useTempDb({
  shared: true,
  seed: async ({ db: path }) => {
    const r = await runCli(['demo', '--json'], { db: path, now: NOW });
    expect(r.exitCode).toBe(0);
    db = new Database(path, { readonly: true });
  },
});
afterAll(() => db.close());

const all = <T>(q: string, ...p: unknown[]) => db.prepare(q).all(...p) as T[];
const one = <T>(q: string, ...p: unknown[]) => db.prepare(q).get(...p) as T;

describe('demo pipeline', () => {
  it('has several hundred deals in the currencies of the regions, won, lost and open', () => {
    expect(one<{ n: number }>('SELECT COUNT(*) n FROM deals').n).toBeGreaterThanOrEqual(300);
    const currencies = all<{ currency: string }>('SELECT DISTINCT currency FROM deals').map((r) => r.currency);
    expect(currencies).toEqual(expect.arrayContaining(['USD', 'EUR', 'JPY', 'AED', 'BRL', 'CNY', 'RUB']));
    const byKind = Object.fromEntries(all<{ kind: string; n: number }>('SELECT s.kind, COUNT(*) n FROM deals d JOIN stages s ON s.id = d.stage_id GROUP BY s.kind').map((r) => [r.kind, r.n]));
    expect(byKind.won).toBeGreaterThan(50);
    expect(byKind.lost).toBeGreaterThan(50);
    expect(byKind.open).toBeGreaterThan(100);
    // JPY has no minor unit: whole yen; others are plain integers of cents.
    expect(all('SELECT id FROM deals WHERE typeof(amount_minor) != ? OR amount_minor <= 0', 'integer')).toEqual([]);
  });

  it('every lost deal has a reason from the list; won and lost deals have their dates', () => {
    expect(all("SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'lost' AND (d.lost_at IS NULL OR d.lost_reason NOT IN (SELECT name FROM lost_reasons))")).toEqual([]);
    expect(all("SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'won' AND (d.won_at IS NULL OR d.lost_at IS NOT NULL)")).toEqual([]);
    expect(all("SELECT d.id FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND (d.won_at IS NOT NULL OR d.lost_at IS NOT NULL)")).toEqual([]);
  });

  it('history starts with a creation row, ends in the current stage, and spreads over months before now', () => {
    expect(all('SELECT d.id FROM deals d WHERE (SELECT from_stage_id FROM deal_stage_history h WHERE h.deal_id = d.id ORDER BY at, id LIMIT 1) IS NOT NULL')).toEqual([]);
    expect(all('SELECT d.id FROM deals d WHERE d.stage_id != (SELECT to_stage_id FROM deal_stage_history h WHERE h.deal_id = d.id ORDER BY at DESC, id DESC LIMIT 1)')).toEqual([]);
    expect(all('SELECT d.id FROM deals d WHERE d.stage_entered_at != (SELECT MAX(at) FROM deal_stage_history h WHERE h.deal_id = d.id)')).toEqual([]);
    const span = one<{ first: string; last: string }>('SELECT MIN(at) first, MAX(at) last FROM deal_stage_history');
    expect(Date.parse(NOW) - Date.parse(span.first)).toBeGreaterThan(180 * 86400000);
    expect(span.last <= NOW).toBe(true);
  });

  it('has stale open deals, open deals past their close date, and a few reps with almost none', () => {
    const stale = one<{ n: number }>("SELECT COUNT(*) n FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.stage_entered_at < ?", new Date(Date.parse(NOW) - 30 * 86400000).toISOString());
    expect(stale.n).toBeGreaterThan(10);
    expect(one<{ n: number }>("SELECT COUNT(*) n FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.expected_close < '2026-11-20'").n).toBeGreaterThan(5);
    const perRep = all<{ n: number }>("SELECT (SELECT COUNT(*) FROM deals d WHERE d.owner_id = u.id) n FROM users u WHERE u.role IN ('rep', 'manager')").map((r) => r.n);
    expect(perRep.filter((n) => n <= 2).length).toBeGreaterThanOrEqual(3);
    expect(perRep.filter((n) => n >= 5).length).toBeGreaterThan(30);
  });

  it('crm pipeline and deal filters work on it', async () => {
    const p = (await runCli(['pipeline', '--json'], { db: t.db, now: NOW })).json();
    expect(p.open.length).toBeGreaterThanOrEqual(6);
    const stale = await runCli(['deal', 'list', 'stale:>30d', '--json'], { db: t.db, now: NOW });
    expect(stale.json().every((d: { status: string; daysInStage: number }) => d.status === 'open' && d.daysInStage > 30)).toBe(true);
  });
});
