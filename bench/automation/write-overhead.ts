/**
 * Bundled and run by bench/cases/automation.mjs: the time one write (a deal edit through the
 * domain, in its BEGIN IMMEDIATE transaction) takes with no rules, and with 20 enabled event
 * rules listening to what it emits. Alternating rounds, median of each, so a busy machine
 * slows both alike.
 */
import { openDatabase } from '../../src/db/sqlite.js';
import { addDeal, editDeal } from '../../src/domain/deals.js';
import { addRule, setRuleEnabled } from '../../src/automation/rules.js';
import type { Session } from '../../src/domain/session.js';

const path = process.argv[2]!;
const db = openDatabase(path);
const s: Session = { db, now: () => new Date('2026-11-20T10:00:00Z'), actor: 'bench', timeZone: 'UTC' };
const WRITES = 200;
const ROUNDS = 5;

async function main(): Promise<void> {
  await addDeal(s, { title: 'Bench deal', amount: '1000 EUR' });
  for (let i = 0; i < 20; i++) {
    await addRule(s, { name: `r${i}`, on: i % 2 ? 'deal.amount_changed' : 'deal.stage_changed', if: `amount:>${i * 100}`, actions: [{ notify: 'owner', message: '{{deal.title}}' }] });
  }
  let amount = 1000;
  const timeWrites = async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < WRITES; i++) await editDeal(s, '1', { amount: `${++amount} EUR` });
    return Number(process.hrtime.bigint() - t0) / 1e6 / WRITES;
  };
  const off: number[] = [];
  const on: number[] = [];
  await timeWrites(); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < 20; i++) await setRuleEnabled(s, `r${i}`, false).catch(() => undefined);
    off.push(await timeWrites());
    for (let i = 0; i < 20; i++) await setRuleEnabled(s, `r${i}`, true);
    on.push(await timeWrites());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const events = db.sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number;
  console.log(JSON.stringify({ msPerWriteNoRules: median(off), msPerWriteTwentyRules: median(on), extraMs: median(on) - median(off), eventsWritten: events }));
  db.close();
}

void main();
