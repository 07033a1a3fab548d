/**
 * The board acts on the deal as it showed it: moves, wins and losses pass the card's version,
 * and a deal changed by someone else since is refused (nothing written), explained in the
 * status line, and reloaded so the board shows where it is now.
 */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/domain/board.js';
import { editDeal, latestDealState, loseDeal, moveDeal, setDealArchived, showDeal, winDeal } from '../../src/domain/deals.js';
import type { Session } from '../../src/domain/session.js';
import { CrmError } from '../../src/errors.js';
import { App } from '../../src/tui/app.js';
import { openPrompt } from '../../src/tui/prompt.js';
import { staleMessage } from '../../src/tui/screens/board/conflict.js';
import { boardKeyToEvent } from '../../src/tui/screens/board/input.js';
import { boardReducer, initialBoardState, selectedCard, type BoardState } from '../../src/tui/screens/board/state.js';
import { addBoardUsers, asOther, press, seedBoard, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(); // now: 2026-11-20T17:55Z
  await addBoardUsers(t.session);
});
afterEach(() => t.cleanup());

const seed = () => seedBoard(t.session);

/** Sara, on another connection to the same file (a colleague's terminal). */
const asSara = <T,>(fn: (s: Session) => Promise<T>) => asOther(t.session, 'sara', fn);

async function stale(p: Promise<unknown>): Promise<CrmError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CrmError);
  expect((err as CrmError).code).toBe('stale');
  return err as CrmError;
}

describe('deal moves with an expected version', () => {
  it('refuse a deal changed since, before any other check, and change nothing', async () => {
    await seed();
    await asSara((s) => moveDeal(s, '1', 'Quote'));
    // Version 1 is what a board loaded before sara's move showed.
    await stale(moveDeal(t.session, '1', 'Quote', 1)); // not "already in Quote"
    await stale(winDeal(t.session, '1', 1));
    await stale(loseDeal(t.session, '1', 'price', undefined, 1));
    const deal = await showDeal(t.session, '1');
    expect(deal.stage.name).toBe('Quote');
    expect(deal.version).toBe(2);
    expect(deal.history.map((h) => [h.to.name, h.actor])).toEqual([
      ['Qualification', 'tester'],
      ['Quote', 'sara'],
    ]);
    expect(await latestDealState(t.session, 1)).toMatchObject({ changedBy: 'sara', deal: { stage: { name: 'Quote' } } });
  });

  it('apply at the current version; without one they behave as before', async () => {
    await seed();
    expect((await moveDeal(t.session, '1', 'Quote', 1)).version).toBe(2);
    expect((await winDeal(t.session, '1', 2)).status).toBe('won');
    expect((await loseDeal(t.session, '3', 'price', 'too dear', 1)).lostReason).toBe('price');
    expect((await moveDeal(t.session, '2', 'Negotiation')).stage.name).toBe('Negotiation');
  });
});

describe('board: version in the reducer and commands', () => {
  async function state(): Promise<BoardState> {
    await seed();
    const s = boardReducer(initialBoardState, { type: 'loaded', board: await loadBoard(t.session) });
    return boardReducer(s, { type: 'column', by: 1 }); // Qualification, on Acme renewal
  }

  it('cards carry the version they were loaded at; keys pass it with the stage shown', async () => {
    const s = await state();
    expect(selectedCard(s)).toMatchObject({ id: 1, version: 1 });
    await editDeal(t.session, '1', { amount: '13000 EUR' });
    // Not reloaded yet: the command carries what the board shows, not what the database has.
    expect(boardKeyToEvent(s, 'L', {}, 5)).toMatchObject({ type: 'move-deal', deal: { id: 1, version: 1, stage: 'Qualification' }, toStage: 'Quote' });
    const reloaded = boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) });
    expect(boardKeyToEvent(reloaded, 'L', {}, 5)).toMatchObject({ deal: { id: 1, version: 2 } });
  });

  it('our own move shows at once, as the reload will: the next key acts on the deal where it is now', async () => {
    let s = await state();
    const columnsOf = (x: BoardState) => x.board!.columns.map((c) => ({ stage: c.stage.name, count: c.count, totals: c.totals.map((m) => m.format()), cards: c.cards.map((d) => [d.id, d.version]) }));
    const moved = await moveDeal(t.session, '1', 'Quote', 1);
    s = boardReducer(s, { type: 'moved', dealId: 1, toStageId: moved.stage.id, version: moved.version });
    // Before the reload: not refused as "changed meanwhile (by you)", and it moves on from Quote.
    expect(boardKeyToEvent(s, 'L', {}, 5)).toMatchObject({ type: 'move-deal', deal: { id: 1, version: 2, stage: 'Quote' }, toStage: 'Negotiation' });
    expect(columnsOf(s)).toEqual(columnsOf(boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) })));
    // A win takes the card off the board, its value with it.
    const won = await winDeal(t.session, '1', 2);
    s = boardReducer(s, { type: 'moved', dealId: 1, toStageId: null, version: won.version });
    expect(columnsOf(s)).toEqual(columnsOf(boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) })));
    expect(s.board!.columns.find((c) => c.stage.name === 'Quote')!.totals.map((m) => m.format())).toEqual(['4,000.00 EUR']);
  });

  it('after a refusal the reload follows the deal to where the other writer put it', async () => {
    let s = await state();
    await asSara((x) => moveDeal(x, '1', 'Quote'));
    s = boardReducer(s, { type: 'focus', dealId: 1 });
    s = boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) });
    expect(s.board!.columns[s.col]!.stage.name).toBe('Quote');
    expect(boardKeyToEvent(s, 'L', {}, 5)).toMatchObject({ type: 'move-deal', deal: { id: 1, version: 2, stage: 'Quote' }, toStage: 'Negotiation' });
  });

  it('the lose prompt acts on the deal it was opened for, even if the cursor moved to another after a reload', async () => {
    let s = await state();
    const acme = { id: 1, title: 'Acme renewal', version: 1, stage: 'Qualification' };
    expect(boardKeyToEvent(s, 'x', {}, 5)).toEqual({ type: 'ask-lose', deal: acme });
    s = boardReducer(s, { type: 'prompt-open', deal: acme, prompt: openPrompt('lose', 'Lose deal #1', [{ name: 'reason', label: 'Reason', choices: ['price'] }]) });
    await asSara((x) => moveDeal(x, '1', 'Quote'));
    s = boardReducer(s, { type: 'loaded', board: await loadBoard(t.session) });
    expect(selectedCard(s)?.id).toBe(2); // the cursor now rests on Globex pumps
    expect(boardKeyToEvent(s, '', { return: true }, 5)).toEqual({ type: 'lose', deal: acme, reason: 'price', note: '' });
    s = boardReducer(s, { type: 'prompt-close' });
    expect(s.losing).toBeNull();
  });

  it('in the detail, win acts on the deal as the detail last loaded it', async () => {
    let s = boardReducer(await state(), { type: 'open' });
    expect(s.open).toEqual({ id: 1, title: 'Acme renewal', version: 1, stage: 'Qualification' });
    s = boardReducer(s, { type: 'detail', deal: { id: 1, title: 'Acme renewal', version: 3, stage: 'Quote' } });
    s = boardReducer(s, { type: 'detail', deal: { id: 2, title: 'Globex pumps', version: 9, stage: 'Quote' } }); // not the open one: ignored
    expect(boardKeyToEvent(s, 'w', {}, 5)).toEqual({ type: 'win', deal: { id: 1, title: 'Acme renewal', version: 3, stage: 'Quote' } });
    expect(boardReducer(s, { type: 'close' }).open).toBeNull();
  });

  it('says what the deal is now, who changed it, and what to press', async () => {
    await seed();
    const shown = { id: 1, title: 'Acme renewal', version: 1, stage: 'Qualification' };
    await asSara((x) => moveDeal(x, '1', 'Quote'));
    expect(staleMessage(shown, await latestDealState(t.session, 1), 'move', 'move-right')).toBe("Deal 'Acme renewal' changed meanwhile (now in Quote, by sara) — reloaded; press L again to move it.");
    await asSara((x) => editDeal(x, '2', { amount: '1 USD' }));
    expect(staleMessage({ ...shown, id: 2, title: 'Globex pumps' }, await latestDealState(t.session, 2), 'lose', 'lose')).toBe(
      "Deal 'Globex pumps' changed meanwhile (edited by sara, still in Qualification) — reloaded; press x again to lose it.",
    );
    await asSara((x) => winDeal(x, '1'));
    expect(staleMessage(shown, await latestDealState(t.session, 1), 'move', 'move-left')).toBe("Deal 'Acme renewal' changed meanwhile (now won, by sara) — reloaded; it is no longer on the board.");
    await asSara((x) => setDealArchived(x, '3', true));
    expect(staleMessage({ ...shown, id: 3 }, await latestDealState(t.session, 3), 'win', 'win')).toContain('(archived by sara)');
    expect(staleMessage(shown, null, 'win', 'win')).toBe("Deal 'Acme renewal' no longer exists — reloaded.");
  });
});

describe('board screen: a deal changed by someone else after the board drew it', () => {
  // Wide enough for the whole status line; live reload off, so the board keeps what it drew.
  const SIZE = { columns: 120, rows: 30 };
  const statusLine = (f: string) => f.split('\n').at(-1) ?? '';

  async function boardOnAcme() {
    await seed();
    const app = render(<App session={t.session} color={false} initialScreen="board" size={SIZE} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal') && /Qualification \(2\)/.test(f));
    await press(app, 'l'); // the Qualification column, on Acme renewal
    return app;
  }

  it('L refuses, says so, and shows the deal where the other writer put it; L again moves it from there', async () => {
    const app = await boardOnAcme();
    await asSara((s) => moveDeal(s, '1', 'Quote'));
    expect(app.lastFrame()).toMatch(/Qualification \(2\)/); // still what it drew
    app.stdin.write('L');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && /Qualification \(1\)/.test(f));
    expect(statusLine(f)).toContain("Deal 'Acme renewal' changed meanwhile (now in Quote, by sara) — reloaded; press L again to move it.");
    expect(f).toMatch(/Quote \(2\)/);
    expect(f).not.toContain('Moved #1');
    let deal = await showDeal(t.session, '1');
    expect(deal.stage.name).toBe('Quote');
    expect(deal.history.map((h) => h.actor)).toEqual(['tester', 'sara']);
    // The cursor followed the deal into Quote: the same key now moves it on from there.
    app.stdin.write('L');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Moved #1 Acme renewal to Negotiation.') && /Negotiation \(1\)/.test(f));
    deal = await showDeal(t.session, '1');
    expect(deal.history.map((h) => [h.to.name, h.actor])).toEqual([
      ['Qualification', 'tester'],
      ['Quote', 'sara'],
      ['Negotiation', 'tester'],
    ]);
    app.unmount();
  });

  it('L L typed at once moves the deal two stages (the second L waits for the first move)', async () => {
    const app = await boardOnAcme();
    app.stdin.write('LL');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Moved #1 Acme renewal to Negotiation.') && /Negotiation \(1\)/.test(f));
    expect(statusLine(app.lastFrame()!)).not.toContain('changed meanwhile');
    const deal = await showDeal(t.session, '1');
    expect(deal.history.map((h) => [h.to.name, h.actor])).toEqual([
      ['Qualification', 'tester'],
      ['Quote', 'tester'],
      ['Negotiation', 'tester'],
    ]);
    app.unmount();
  });

  it('an edit meanwhile (same stage) also refuses; the normal path then moves the deal', async () => {
    const app = await boardOnAcme();
    await asSara((s) => editDeal(s, '1', { amount: '99000 EUR' }));
    app.stdin.write('L');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes("Deal 'Acme renewal' changed meanwhile (edited by sara, still in Qualification) — reloaded; press L again") && f.includes('99k EUR'));
    expect((await showDeal(t.session, '1')).stage.name).toBe('Qualification');
    app.stdin.write('L');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Moved #1 Acme renewal to Quote.') && /Quote \(2\)/.test(f));
    expect((await showDeal(t.session, '1')).amount.format()).toContain('99,000');
    app.unmount();
  });

  it('w on a deal won meanwhile by someone else: refused, and the card leaves the board', async () => {
    const app = await boardOnAcme();
    await asSara((s) => winDeal(s, '1'));
    app.stdin.write('w');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && !f.split('\n').slice(0, -1).join('\n').includes('Acme renewal'));
    expect(statusLine(f)).toContain("Deal 'Acme renewal' changed meanwhile (now won, by sara) — reloaded; it is no longer on the board.");
    expect(f).toMatch(/Qualification \(1\)/);
    app.unmount();
  });

  it('x on a deal changed meanwhile refuses before asking for a reason', async () => {
    const app = await boardOnAcme();
    await asSara((s) => moveDeal(s, '1', 'Negotiation'));
    app.stdin.write('x');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile'));
    expect(statusLine(f)).toContain('(now in Negotiation, by sara) — reloaded; press x again to lose it.');
    expect(f).not.toContain('Lose deal #1');
    app.unmount();
  });

  it('a deal changed while the lose prompt was open is not lost', async () => {
    const app = await boardOnAcme();
    app.stdin.write('x');
    await waitForFrame(app.lastFrame, (f) => f.includes('Lose deal #1 Acme renewal') && f.includes('competitor'));
    await asSara((s) => moveDeal(s, '1', 'Quote'));
    await press(app, 'comp');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Note (optional)'));
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && /Quote \(2\)/.test(f));
    expect(statusLine(f)).toContain('(now in Quote, by sara) — reloaded; press x again to lose it.');
    const deal = await showDeal(t.session, '1');
    expect(deal.status).toBe('open');
    expect(deal.lostReason).toBeNull();
    app.unmount();
  });

  it('keeps to one status line at 80 columns', async () => {
    await seed();
    const app = render(<App session={t.session} color={false} initialScreen="board" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, 'l');
    await asSara((s) => moveDeal(s, '1', 'Quote'));
    app.stdin.write('L');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).startsWith("Deal 'Acme renewal' changed meanwhile (now in Quote, by sara)"));
    expect(f.split('\n').length).toBeLessThan(24);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    app.unmount();
  });
});
