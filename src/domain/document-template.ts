/**
 * Customer-facing documents (a quote today) rendered from a template the team can edit: plain
 * text with {{field}} merge fields and one repeated block {{#lines}} … {{/lines}} whose fields are
 * the line's. `crm quote render --print-template --format html > quote.html` prints the built-in
 * template to start from; `--template quote.html` renders with the edited one. In HTML every value
 * is escaped (& < > " '), so a product name cannot inject markup; text and Markdown get the values
 * as they are, with control characters removed. A field the template names that does not exist is
 * an error naming it — a document is never sent with a hole in it.
 */
import { UserError } from '../errors.js';
import type { QuoteRecord } from './quotes.js';

export const DOCUMENT_FORMATS = ['md', 'html', 'txt'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export function parseDocumentFormat(text: string | undefined): DocumentFormat {
  const f = (text ?? 'txt').trim().toLowerCase().replace(/^markdown$/, 'md').replace(/^text$/, 'txt');
  if ((DOCUMENT_FORMATS as readonly string[]).includes(f)) return f as DocumentFormat;
  throw new UserError(`Unknown document format "${text}".`, `Use one of: ${DOCUMENT_FORMATS.join(', ')}.`, 'invalid_format');
}

type Values = Record<string, string>;

/** The document's fields, as text: what {{…}} can name (listed by `crm quote render --fields`). */
export function quoteFields(q: QuoteRecord): { fields: Values; lines: Values[] } {
  const fields: Values = {
    'quote.number': q.label,
    'quote.revision': String(q.revision),
    'quote.status': q.status,
    'quote.issuedOn': q.issuedOn,
    'quote.validUntil': q.validUntil ?? '',
    'quote.currency': q.currency,
    'quote.notes': q.notes ?? '',
    'quote.subtotal': q.totals.subtotal.format(),
    'quote.discount': q.totals.discount.format(),
    'quote.tax': q.totals.tax.format(),
    'quote.total': q.totals.total.format(),
    'deal.title': q.deal.title,
    'company.name': q.company?.name ?? '',
    'contact.name': q.contact?.name ?? '',
    'contact.email': q.contact?.email ?? '',
    'owner.handle': q.owner ?? '',
  };
  const lines = q.lines.map((l) => ({
    'line.position': String(l.position),
    'line.sku': l.sku ?? '',
    'line.description': l.description,
    'line.quantity': l.quantity,
    'line.unit': l.unit ?? '',
    'line.unitPrice': l.unitPrice.format(),
    'line.discount': l.discount ?? '',
    'line.taxRate': l.taxRate,
    'line.net': l.net.format(),
  }));
  return { fields, lines };
}

export const QUOTE_FIELD_NAMES = [
  'quote.number', 'quote.revision', 'quote.status', 'quote.issuedOn', 'quote.validUntil', 'quote.currency', 'quote.notes', 'quote.subtotal', 'quote.discount', 'quote.tax', 'quote.total',
  'deal.title', 'company.name', 'contact.name', 'contact.email', 'owner.handle',
  'line.position', 'line.sku', 'line.description', 'line.quantity', 'line.unit', 'line.unitPrice', 'line.discount', 'line.taxRate', 'line.net',
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
/** In Markdown a value must not start a table cell early or a heading. */
const markdown = (s: string) => plain(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

const FIELD = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;
const LINES = /\{\{#lines\}\}([\s\S]*?)\{\{\/lines\}\}/g;

export function renderDocument(template: string, data: { fields: Values; lines: Values[] }, format: DocumentFormat): string {
  const esc = format === 'html' ? escapeHtml : format === 'md' ? markdown : plain;
  const unknown = new Set<string>();
  const fill = (text: string, values: Values) =>
    text.replace(FIELD, (whole, name: string) => {
      if (!(name in values)) {
        unknown.add(name);
        return whole;
      }
      return esc(values[name]!);
    });
  const out = fill(
    template.replace(LINES, (_m, block: string) => data.lines.map((l) => fill(block, { ...data.fields, ...l })).join('')),
    data.fields,
  );
  if (unknown.size) {
    throw new UserError(`Unknown field${unknown.size > 1 ? 's' : ''} in the template: ${[...unknown].map((f) => `{{${f}}}`).join(', ')}.`, `Fields: ${QUOTE_FIELD_NAMES.map((f) => `{{${f}}}`).join(' ')} — line fields only inside {{#lines}} … {{/lines}}.`, 'unknown_field');
  }
  return out;
}

export const DEFAULT_QUOTE_TEMPLATES: Record<DocumentFormat, string> = {
  txt: `QUOTE {{quote.number}}
Issued {{quote.issuedOn}} · valid until {{quote.validUntil}}

For: {{company.name}}
Attn: {{contact.name}} {{contact.email}}
Re: {{deal.title}}

{{#lines}}{{line.position}}. {{line.description}} ({{line.sku}})
   {{line.quantity}} {{line.unit}} × {{line.unitPrice}}  discount {{line.discount}}  tax {{line.taxRate}}  = {{line.net}}
{{/lines}}
Subtotal: {{quote.subtotal}}
Tax:      {{quote.tax}}
Total:    {{quote.total}}

{{quote.notes}}
`,
  md: `# Quote {{quote.number}}

Issued {{quote.issuedOn}} · valid until **{{quote.validUntil}}**

**For:** {{company.name}}  
**Attn:** {{contact.name}} {{contact.email}}  
**Re:** {{deal.title}}

| # | Item | SKU | Qty | Unit price | Discount | Tax | Net |
|---|---|---|--:|--:|--:|--:|--:|
{{#lines}}| {{line.position}} | {{line.description}} | {{line.sku}} | {{line.quantity}} {{line.unit}} | {{line.unitPrice}} | {{line.discount}} | {{line.taxRate}} | {{line.net}} |
{{/lines}}

| | |
|---|--:|
| Subtotal | {{quote.subtotal}} |
| Tax | {{quote.tax}} |
| **Total** | **{{quote.total}}** |

{{quote.notes}}
`,
  html: `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Quote {{quote.number}}</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3em;text-align:left}.n{text-align:right}</style>
</head>
<body>
<h1>Quote {{quote.number}}</h1>
<p>Issued {{quote.issuedOn}} · valid until <strong>{{quote.validUntil}}</strong></p>
<p><strong>For:</strong> {{company.name}}<br><strong>Attn:</strong> {{contact.name}} {{contact.email}}<br><strong>Re:</strong> {{deal.title}}</p>
<table>
<tr><th>#</th><th>Item</th><th>SKU</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Discount</th><th class="n">Tax</th><th class="n">Net</th></tr>
{{#lines}}<tr><td>{{line.position}}</td><td>{{line.description}}</td><td>{{line.sku}}</td><td class="n">{{line.quantity}} {{line.unit}}</td><td class="n">{{line.unitPrice}}</td><td class="n">{{line.discount}}</td><td class="n">{{line.taxRate}}</td><td class="n">{{line.net}}</td></tr>
{{/lines}}</table>
<p class="n">Subtotal {{quote.subtotal}}<br>Tax {{quote.tax}}<br><strong>Total {{quote.total}}</strong></p>
<p>{{quote.notes}}</p>
</body>
</html>
`,
};
