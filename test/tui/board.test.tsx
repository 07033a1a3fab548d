import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/domain/board.js';
import { addDeal, showDeal } from '../../src/domain/deals.js';
import { Money } from '../../src/domain/money.js';
import { App } from '../../src/tui/app.js';
import { boardKeyToEvent } from '../../src/tui/screens/board/input.js';
import { boardReducer, filterTokens, initialBoardState, selectedCard, type BoardState } from '../../src/tui/screens/board/state.js';
import { columnLayout, shortMoney } from '../../src/tui/screens/board/view.js';
import { addBoardUsers, press, seedBoard, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(); // now: 2026-11-20T17:55Z
  await addBoardUsers(t.session);
});
afterEach(() => t.cleanup());

const seed = () => seedBoard(t.session);

function openBoard(size = { columns: 80, rows: 24 }) {
  return render(<App session={t.session} color={false} initialScreen="board" size={size} pollMs={0} tickMs={0} />);
}

describe('board read model', () => {
  it('has one column per open stage with count and totals per currency from the database', async () => {
    await seed();
    const board = await loadBoard(t.session);
    expect(board.columns.map((c) => c.stage.name)).toEqual(['Prospecting', 'Qualification', 'Quote', 'Negotiation']);
    const qual = board.columns[1]!;
    expect(qual.count).toBe(2);
    expect(qual.totals.map((m) => m.toJSON())).toEqual([
      { amount: '250000.00', currency: 'USD' },
      { amount: '12500.50', currency: 'EUR' },
    ]);
    expect(qual.cards.map((c) => [c.title, c.overdue])).toEqual([
      ['Acme renewal', true],
      ['Globex pumps', false],
    ]);
    expect((await loadBoard(t.session, { filter: ['owner:sara'] })).columns[1]!.cards.map((c) => c.title)).toEqual(['Globex pumps']);
  });
});

describe('board reducer', () => {
  async function state(): Promise<BoardState> {
    await seed();
    return boardReducer(initialBoardState, { type: 'loaded', board: await loadBoard(t.session) });
  }

  it('columns keep their own cursor', async () => {
    let s = await state();
    s = boardReducer(s, { type: 'column', by: 1 });
    s = boardReducer(s, { type: 'move', action: 'down', height: 5 });
    expect(selectedCard(s)?.title).toBe('Globex pumps');
    s = boardReducer(s, { type: 'column', by: 1 });
    expect(selectedCard(s)?.title).toBe('Initech valves');
    s = boardReducer(s, { type: 'column', by: -1 });
    expect(selectedCard(s)?.title).toBe('Globex pumps');
  });

  it('H/L ask to move the selected deal to the neighbouring stage; the last stage points at w', async () => {
    let s = boardReducer(await state(), { type: 'column', by: 1 });
    const acme = { id: 1, title: 'Acme renewal', version: 1, stage: 'Qualification' };
    expect(boardKeyToEvent(s, 'L', {}, 5)).toEqual({ type: 'move-deal', deal: acme, toStage: 'Quote', direction: 'move-right' });
    expect(boardKeyToEvent(s, 'H', {}, 5)).toEqual({ type: 'move-deal', deal: acme, toStage: 'Prospecting', direction: 'move-left' });
    s = boardReducer(s, { type: 'column', by: 1 });
    s = boardReducer(s, { type: 'column', by: 1 });
    s = boardReducer(s, { type: 'column', by: -1 });
    expect(boardKeyToEvent(s, 'w', {}, 5)).toEqual({ type: 'win', deal: { id: 3, title: 'Initech valves', version: 1, stage: 'Quote' } });
  });

  it('follows a moved deal into its new column after the reload', async () => {
    let s = boardReducer(await state(), { type: 'column', by: 1 });
    s = boardReducer(s, { type: 'focus', dealId: 3 });
    s = boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) });
    expect(s.col).toBe(2);
    expect(selectedCard(s)?.id).toBe(3);
  });

  it('the filter field takes any text; m adds owner:me', () => {
    let s = boardReducer(initialBoardState, { type: 'filter-start' });
    for (const ch of 'owner:sara q') s = boardReducer(s, boardKeyToEvent(s, ch, {}, 5) as never);
    s = boardReducer(s, boardKeyToEvent(s, '', { return: true }, 5) as never);
    expect(filterTokens(s)).toEqual(['owner:sara', 'q']);
    s = boardReducer(s, { type: 'toggle-mine' });
    expect(filterTokens(s)).toEqual(['owner:sara', 'q', 'owner:me']);
    expect(filterTokens({ filter: 'company:"Acme Ltd" +vip', mine: false })).toEqual(['company:Acme Ltd', '+vip']);
  });

  it('lays out as many columns as fit and keeps the selected one visible', () => {
    expect(columnLayout(80, 4, 0)).toEqual({ start: 0, count: 4, width: 19 });
    expect(columnLayout(60, 6, 5)).toMatchObject({ start: 3, count: 3 });
    expect(shortMoney(new Money(123456789n, 'EUR'))).toBe('1.2M EUR');
    expect(shortMoney(new Money(1250050n, 'EUR'))).toBe('12k EUR');
    expect(shortMoney(new Money(1200n, 'JPY'))).toBe('1,200 JPY');
  });
});

describe('board screen', () => {
  it('draws the columns at 80×24 with totals and overdue close dates', async () => {
    await seed();
    const app = openBoard();
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    expect(f).toMatch(/Qualification \(2\)/);
    expect(f).toMatch(/Qualification \(2\)[^\n]*\n[^\n]*250k USD[^\n]*\n[^\n]*12k EUR/);
    expect(f).toContain('!11-10');
    expect(f).not.toContain('!12-15');
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    app.unmount();
  });

  it('moves a deal right with L and the database records the move', async () => {
    await seed();
    const app = openBoard();
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, 'l');
    app.stdin.write('L');
    await waitForFrame(app.lastFrame, (f) => f.includes('Moved #1 Acme renewal to Quote.') && /Quote \(2\)/.test(f));
    const deal = await showDeal(t.session, '1');
    expect(deal.stage.name).toBe('Quote');
    expect(deal.history.map((h) => h.to.name)).toEqual(['Qualification', 'Quote']);
    app.unmount();
  });

  it('loses a deal with a reason picked from the list', async () => {
    await seed();
    const app = openBoard();
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, 'l');
    app.stdin.write('x');
    await waitForFrame(app.lastFrame, (f) => f.includes('Lose deal #1 Acme renewal') && f.includes('competitor'));
    await press(app, 'comp');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Note (optional)'));
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Lost #1 Acme renewal: competitor.') && /Qualification \(1\)/.test(f));
    expect((await showDeal(t.session, '1')).lostReason).toBe('competitor');
    app.unmount();
  });

  it('filters with the filter language and shows a bad term in the status line', async () => {
    await seed();
    const app = openBoard();
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, '/');
    await press(app, 'owner:sara');
    app.stdin.write('\r');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('Filter: owner:sara') && !f.includes('Acme renewal'));
    expect(f).toContain('Globex pumps');
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, '/');
    await press(app, 'amount:>>x');
    app.stdin.write('\r');
    f = await waitForFrame(app.lastFrame, (f) => /amount/i.test(f.split('\n').at(-1) ?? ''));
    app.unmount();
  });

  it('opens a deal with its timeline and wins it from there', async () => {
    await seed();
    const app = openBoard();
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, 'l');
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Deal #1 Acme renewal') && f.includes('Timeline'));
    expect(f).toMatch(/Amount\s+12,500.50 EUR/);
    app.stdin.write('w');
    await waitForFrame(app.lastFrame, (f) => f.includes('Won #1 Acme renewal'));
    expect((await showDeal(t.session, '1')).status).toBe('won');
    app.unmount();
  });
});

describe('board: live', () => {
  it('shows a move made by another process within the poll interval', async () => {
    await seed();
    const app = render(<App session={t.session} color={false} initialScreen="board" size={{ columns: 80, rows: 24 }} pollMs={30} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => /Qualification \(2\)/.test(f));
    const { openDatabase } = await import('../../src/db/sqlite.js');
    const { moveDeal } = await import('../../src/domain/deals.js');
    const other = openDatabase(t.db.path);
    try {
      await moveDeal({ ...t.session, db: other, actor: 'sara' }, '1', 'Negotiation');
    } finally {
      other.close();
    }
    await waitForFrame(app.lastFrame, (f) => /Qualification \(1\)/.test(f) && /Negotiation \(1\)/.test(f));
    app.unmount();
  });
});

describe('board: another pipeline', () => {
  it('shows the stages and deals of the pipeline asked for', async () => {
    const { addPipeline } = await import('../../src/domain/pipelines.js');
    await seed();
    await addPipeline(t.session, { name: 'Renewals', stages: 'Due:40,Talking:70' });
    await addDeal(t.session, { title: 'Acme 2027 renewal', amount: '9000 EUR', pipeline: 'Renewals' });
    const app = render(<App session={t.session} color={false} initialScreen="board" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} pipeline="Renewals" />);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Acme 2027 renewal'));
    expect(f).toMatch(/Due \(1\)/);
    expect(f).toMatch(/Talking \(0\)/);
    expect(f).not.toContain('Qualification');
    app.unmount();
  });
});

describe('board read before Ink loads (crm tui)', () => {
  it('the first frame is the board itself, and a change made elsewhere still shows', async () => {
    await seed();
    const initialBoard = await loadBoard(t.session);
    const app = render(<App session={t.session} color={false} initialScreen="board" size={{ columns: 80, rows: 24 }} pollMs={30} tickMs={0} initialBoard={initialBoard} />);
    // No "loading…" frame: the very first frame holds the columns and their cards.
    expect(app.frames[0]).toMatch(/Qualification \(2\)/);
    expect(app.frames[0]).toContain('Acme renewal');
    expect(app.frames[0]).not.toContain('loading');
    const { openDatabase } = await import('../../src/db/sqlite.js');
    const { moveDeal } = await import('../../src/domain/deals.js');
    const other = openDatabase(t.db.path);
    try {
      await moveDeal({ ...t.session, db: other, actor: 'sara' }, '1', 'Negotiation');
    } finally {
      other.close();
    }
    await waitForFrame(app.lastFrame, (f) => /Qualification \(1\)/.test(f) && /Negotiation \(1\)/.test(f));
    app.unmount();
  });
});
