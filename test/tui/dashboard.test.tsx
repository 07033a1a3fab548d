import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addContact } from '../../src/domain/contacts.js';
import { Money } from '../../src/domain/money.js';
import { openTicket } from '../../src/domain/tickets.js';
import { formatCell } from '../../src/output/report.js';
import { runReport } from '../../src/reports/engine.js';
import { reportCatalog } from '../../src/reports/catalog.js';
import { App } from '../../src/tui/app.js';
import { moneyList } from '../../src/tui/money-text.js';
import { tableLines } from '../../src/tui/screens/dashboard/view.js';
import { addBoardUsers, press, seedBoard, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession();
  await addBoardUsers(t.session);
  await seedBoard(t.session);
  await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' });
  await openTicket(t.session, { subject: 'Printer on fire', contact: 'bob@example.com', priority: 'urgent' });
});
afterEach(() => t.cleanup());

const SIZE = { columns: 80, rows: 24 };

async function model(name: string, flags: Record<string, unknown>) {
  return runReport(await reportCatalog.find((e) => e.name === name)!.load(), t.session, flags);
}

describe('dashboard', () => {
  it('shows the KPIs, the pipeline and SLA compliance from the report models, within 80×24', async () => {
    const app = render(<App session={t.session} color={false} initialScreen="dashboard" size={SIZE} pollMs={0} tickMs={0} />);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Open pipeline') && f.includes('First reply'));
    const lines = f.split('\n');
    expect(lines.length).toBeLessThan(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // The same figures `crm report kpi` prints: every headline value of the model is on screen.
    const kpi = await model('kpi', { period: 'this-month' });
    expect(kpi.summary.map((s) => s.label)).toEqual(['Open pipeline', expect.any(String), 'Win rate', 'SLA compliance', 'Overdue tasks', 'Tickets breaching']);
    for (const s of kpi.summary.filter((s) => !Array.isArray(s.value))) expect(f).toMatch(new RegExp(`${s.label}\\s+${formatCell(s.value, s.format, true).replace(/[.%]/g, '\\$&')}`));
    expect(f).toContain('this month: 2026-11');
    // The pipeline: one line per stage with its deal count, and the open total per currency.
    expect(f).toMatch(/Qualification\s+2 12k EUR, 250k USD/);
    expect(f).toMatch(/Quote\s+1 4,000 EUR/);
    expect(f).toMatch(/Open pipeline\s+3 16k EUR, 250k USD/);
    // SLA: the one urgent ticket created this month, its first reply still running.
    const sla = await model('sla', { period: 'this-month' });
    expect(sla.title).toBe('SLA compliance — tickets created 2026-11: 1');
    expect(f).toMatch(/SLA compliance —\s*\n.*tickets created 2026-11: 1/);
    expect(f).toMatch(/First reply\s+0\s+0\s+—/);
    app.unmount();
  });

  it('p steps the period, m narrows every figure to my deals and tickets', async () => {
    const app = render(<App session={t.session} color={false} initialScreen="dashboard" size={SIZE} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('this month: 2026-11'));
    await press(app, 'p');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('last month: 2026-10'));
    expect(f).toMatch(/SLA compliance —\s*\n.*tickets created 2026-10: 0/);
    await press(app, 'm');
    f = await waitForFrame(app.lastFrame, (f) => f.includes('owner tester'));
    // sara's USD deal is not mine.
    expect(f).toMatch(/Open pipeline\s+2 16k EUR\s/);
    expect(f).not.toContain('250k USD');
    app.unmount();
  });

  it('is reachable with 5 and tab, and its keys are in the help', async () => {
    const app = render(<App session={t.session} color={false} initialScreen="agenda" size={SIZE} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Agenda of'));
    await press(app, '5');
    await waitForFrame(app.lastFrame, (f) => f.includes('Open pipeline'));
    await press(app, '?');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Dashboard keys'));
    expect(f).toContain('only my figures');
    app.unmount();
  });
});

describe('money in narrow cells', () => {
  it('shows as many currencies as fit, then how many more', () => {
    const bag = [new Money(1250050n, 'EUR'), new Money(25000000n, 'USD'), new Money(5000n, 'CHF')];
    expect(moneyList(bag, 40)).toBe('12k EUR, 250k USD, 50 CHF');
    expect(moneyList(bag, 20)).toBe('12k EUR, 250k USD +1');
    expect(moneyList(bag, 12)).toBe('12k EUR +2');
    expect(moneyList([], 12)).toBe('0');
  });

  it('lays a report table into a width: the name column takes what the others leave', () => {
    const table = { name: 's', columns: [{ key: 'stage', label: 'Stage' }, { key: 'count', label: 'Deals', format: 'int' as const }], rows: [{ stage: 'Qualification', count: 1234 }] };
    const out = tableLines(table, [{ key: 'stage' }, { key: 'count' }], 30);
    expect(out.header).toBe('Stage                    Deals');
    expect(out.rows[0]).toBe('Qualification            1,234');
  });
});
