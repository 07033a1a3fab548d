/**
 * The sales commands in-process: who may do what (a rep quotes, finance invoices), what a person
 * reads on a terminal, the editable quote template (HTML escaped, unknown fields refused), the
 * number prefix and tax rounding settings, and the one-line errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useTempDb } from '../helpers/run-cli.js';

const { crm, ok } = useTempDb({
  seed: async ({ ok }) => {
    await ok(['user', 'add', 'rita', '--login', 'rita', '--role', 'rep']);
    await ok(['user', 'add', 'fin', '--login', 'fin', '--role', 'finance']);
    await ok(['company', 'add', 'Acme GmbH']);
    await ok(['product', 'add', 'WIDGET-01', '--name', 'Widget "Pro" <script>', '--unit', 'piece', '--price', '1200 EUR', '--price', '150000 JPY', '--tax', '10%']);
    await ok(['deal', 'add', 'Acme rollout', '--company', 'Acme GmbH', '--amount', '100 EUR', '--owner', 'rita']);
  },
});

describe('crm product, deal line, quote, order, invoice', () => {
  it('a rep adds lines and quotes their own deal; only finance invoices; refusals name the permission', async () => {
    await ok(['deal', 'line', 'add', '1', 'WIDGET-01', '--qty', '2'], { login: 'rita' });
    const product = await crm(['product', 'add', 'X-1', '--name', 'X'], { login: 'rita' });
    expect(product.exitCode).toBe(1);
    expect(product.stderr).toContain('needs the permission product.write');
    expect((await crm(['quote', 'create', '--deal', '1'], { login: 'rita' })).stdout).toBe('Q-2026-0001\n');
    await ok(['quote', 'send', 'Q-2026-0001'], { login: 'rita' });
    expect((await crm(['quote', 'accept', 'Q-2026-0001'], { login: 'rita' })).stdout).toBe('SO-2026-0001\n');
    const inv = await crm(['invoice', 'create', '--order', 'SO-2026-0001'], { login: 'rita' });
    expect(inv.exitCode).toBe(1);
    expect(inv.stderr).toContain('rita (rep) may not do this on order SO-2026-0001: it needs the permission invoice.write');
    expect((await crm(['invoice', 'create', '--order', 'SO-2026-0001'], { login: 'fin' })).stdout).toBe('INV-2026-0001\n');
    // 2 × 1200 = 2400 net, 10% tax = 240.
    expect((await crm(['invoice', 'pay', 'INV-2026-0001', '--json'], { login: 'fin' })).json()).toMatchObject({ status: 'paid', paid: { amount: '2640.00', currency: 'EUR' } });
  });

  it('deal show says where the amount comes from, on a terminal and in JSON', async () => {
    await ok(['deal', 'line', 'add', '1', 'WIDGET-01', '--qty', '1.5', '--discount', '10%']);
    const tty = await crm(['deal', 'show', '1'], { tty: true });
    expect(tty.stdout).toMatch(/Amount:\s+1,620\.00 EUR/);
    expect(tty.stdout).toMatch(/Amount from:\s+1 product line \(net, before tax\)/);
    expect(tty.stdout).toContain('Lines (1)');
    const json = (await crm(['deal', 'show', '1', '--json'])).json();
    expect(json).toMatchObject({ amount: { amount: '1620.00' }, amountFrom: 'lines', lines: [{ sku: 'WIDGET-01', quantity: '1.5', discount: '10%' }], quotes: [] });
    await ok(['deal', 'line', 'remove', '1', '1']);
    expect((await crm(['deal', 'show', '1', '--json'])).json()).toMatchObject({ amountFrom: 'entered', lines: [] });
  });

  it('renders from an edited template: HTML escaped, unknown fields refused', async () => {
    await ok(['deal', 'line', 'add', '1', 'WIDGET-01']);
    await ok(['quote', 'create', '--deal', '1']);
    const builtin = (await crm(['quote', 'render', '--print-template', '--format', 'html'])).stdout;
    expect(builtin).toContain('{{#lines}}');
    const file = join(tmpdir(), `quote-${process.pid}.html`);
    writeFileSync(file, '<h1>{{quote.number}} for {{company.name}}</h1>{{#lines}}<p>{{line.description}}: {{line.net}}</p>{{/lines}}<b>{{quote.total}}</b>');
    const html = await crm(['quote', 'render', 'Q-2026-0001', '--format', 'html', '--template', file]);
    expect(html.stdout).toBe('<h1>Q-2026-0001 for Acme GmbH</h1><p>Widget &quot;Pro&quot; &lt;script&gt;: 1,200.00 EUR</p><b>1,320.00 EUR</b>');
    writeFileSync(file, '{{quote.numbr}}');
    const bad = await crm(['quote', 'render', 'Q-2026-0001', '--template', file]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Unknown field in the template: {{quote.numbr}}');
  });

  it('settings: number prefix and tax per document', async () => {
    await ok(['quote', 'settings', '--quote-prefix', 'ANG', '--tax-mode', 'document']);
    expect((await crm(['quote', 'settings', '--json'])).json()).toMatchObject({ taxMode: 'document', quotePrefix: 'ANG' });
    expect((await crm(['quote', 'create', '--deal', '1'])).stdout).toBe('ANG-2026-0001\n');
    const bad = await crm(['quote', 'settings', '--tax-mode', 'sometimes']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Unknown tax mode "sometimes"');
  });

  it('JPY has no decimals; a line in another currency names the missing price', async () => {
    await ok(['deal', 'add', 'Tokyo', '--amount', '1000 JPY']);
    await ok(['deal', 'line', 'add', '2', 'WIDGET-01', '--qty', '0.333']);
    // 0.333 × 150000 = 49950 JPY.
    expect((await crm(['deal', 'show', '2', '--json'])).json().amount).toEqual({ amount: '49950', currency: 'JPY' });
    await ok(['deal', 'add', 'Zurich', '--amount', '1 CHF']);
    const r = await crm(['deal', 'line', 'add', '3', 'WIDGET-01']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('WIDGET-01 has no price in CHF');
    expect(r.stderr).toContain('crm product edit WIDGET-01 --price "… CHF"');
  });

  it('documents keep their history: no cancelling an invoiced order, no revising an accepted quote, void only without payments', async () => {
    await ok(['deal', 'line', 'add', '1', 'WIDGET-01']);
    await ok(['quote', 'create', '--deal', '1']);
    await ok(['quote', 'send', 'Q-2026-0001']);
    await ok(['quote', 'accept', 'Q-2026-0001']);
    const revise = await crm(['quote', 'revise', 'Q-2026-0001']);
    expect(revise.exitCode).toBe(1);
    expect(revise.stderr).toContain('Quote Q-2026-0001 is accepted: it cannot be revised');
    await ok(['invoice', 'create', '--order', 'SO-2026-0001', '--draft']);
    const cancel = await crm(['order', 'cancel', 'SO-2026-0001']);
    expect(cancel.exitCode).toBe(1);
    expect(cancel.stderr).toContain('hint: Void the invoice first: crm invoice void INV-2026-0001');
    const early = await crm(['invoice', 'pay', 'INV-2026-0001']);
    expect(early.stderr).toContain('Issue it first: crm invoice issue INV-2026-0001');
    await ok(['invoice', 'issue', 'INV-2026-0001']);
    await ok(['invoice', 'pay', 'INV-2026-0001', '--amount', '100 EUR']);
    expect((await crm(['invoice', 'void', 'INV-2026-0001'])).stderr).toContain('has payments recorded');
    expect((await crm(['history', 'order', '1', '--json'])).json().map((h: { action: string }) => h.action)).toEqual(['create']);
    const shown = await crm(['invoice', 'show', 'INV-2026-0001'], { tty: true });
    expect(shown.stdout).toMatch(/Outstanding:\s+1,220\.00 EUR/); // 1200 + 10% tax − 100 paid
    expect(shown.stdout).toContain('Payments (1)');
  });
});
