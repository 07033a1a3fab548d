/**
 * Frozen once shipped. Products, deal lines, quotes, orders, invoices, payments and contracts
 * (issue #19). Every document's lines live in one table, document_lines, keyed by the kind of
 * document ('deal', 'quote', 'order', 'invoice') and its id: the money math is one module
 * (src/domain/pricing.ts) over one shape of line. Quantities are thousandths of a unit, rates
 * parts per million, money integer minor units of the document's currency. The stored net, tax
 * and totals are what that module computed when the lines last changed (reports read them).
 * Plain tables and columns only, so the PostgreSQL twin is the same schema.
 */
export const version = 11;
export const name = 'products, quotes, orders, invoices';
export const sql = `
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT,
  unit TEXT,
  tax_rate_ppm INTEGER NOT NULL DEFAULT 0,
  warranty_months INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE TABLE product_prices (
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  currency TEXT NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  PRIMARY KEY (product_id, currency)
);
CREATE TABLE quotes (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  deal_id INTEGER NOT NULL REFERENCES deals(id),
  company_id INTEGER REFERENCES companies(id),
  contact_id INTEGER REFERENCES contacts(id),
  owner_id INTEGER REFERENCES users(id),
  currency TEXT NOT NULL,
  tax_mode TEXT NOT NULL DEFAULT 'line',
  status TEXT NOT NULL DEFAULT 'draft',
  issued_on TEXT NOT NULL,
  valid_until TEXT,
  sent_at TEXT,
  decided_at TEXT,
  notes TEXT,
  subtotal_minor INTEGER NOT NULL DEFAULT 0,
  tax_minor INTEGER NOT NULL DEFAULT 0,
  total_minor INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (number, revision)
);
CREATE INDEX quotes_deal ON quotes(deal_id);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  quote_id INTEGER REFERENCES quotes(id),
  deal_id INTEGER REFERENCES deals(id),
  company_id INTEGER REFERENCES companies(id),
  contact_id INTEGER REFERENCES contacts(id),
  owner_id INTEGER REFERENCES users(id),
  currency TEXT NOT NULL,
  tax_mode TEXT NOT NULL DEFAULT 'line',
  status TEXT NOT NULL DEFAULT 'open',
  ordered_on TEXT NOT NULL,
  fulfilled_on TEXT,
  cancelled_at TEXT,
  customer_reference TEXT,
  notes TEXT,
  subtotal_minor INTEGER NOT NULL DEFAULT 0,
  tax_minor INTEGER NOT NULL DEFAULT 0,
  total_minor INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orders_deal ON orders(deal_id);
CREATE INDEX orders_company ON orders(company_id);
CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  order_id INTEGER REFERENCES orders(id),
  company_id INTEGER REFERENCES companies(id),
  owner_id INTEGER REFERENCES users(id),
  currency TEXT NOT NULL,
  tax_mode TEXT NOT NULL DEFAULT 'line',
  status TEXT NOT NULL DEFAULT 'draft',
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  voided_at TEXT,
  notes TEXT,
  subtotal_minor INTEGER NOT NULL DEFAULT 0,
  tax_minor INTEGER NOT NULL DEFAULT 0,
  total_minor INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX invoices_order ON invoices(order_id);
CREATE INDEX invoices_due ON invoices(due_date);
CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices(id),
  amount_minor INTEGER NOT NULL,
  paid_on TEXT NOT NULL,
  reference TEXT,
  created_by TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE TABLE document_lines (
  id INTEGER PRIMARY KEY,
  document_kind TEXT NOT NULL,
  document_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  product_id INTEGER REFERENCES products(id),
  sku TEXT,
  description TEXT NOT NULL,
  unit TEXT,
  quantity_milli INTEGER NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  discount_ppm INTEGER,
  discount_minor INTEGER,
  tax_rate_ppm INTEGER NOT NULL DEFAULT 0,
  net_minor INTEGER NOT NULL,
  tax_minor INTEGER NOT NULL
);
CREATE INDEX document_lines_document ON document_lines(document_kind, document_id, position);
CREATE INDEX document_lines_product ON document_lines(product_id);
CREATE TABLE contracts (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  company_id INTEGER NOT NULL REFERENCES companies(id),
  order_id INTEGER REFERENCES orders(id),
  owner_id INTEGER REFERENCES users(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  renewal_date TEXT,
  value_minor INTEGER,
  currency TEXT,
  notes TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contracts_company ON contracts(company_id);
CREATE INDEX contracts_renewal ON contracts(renewal_date);
`;
