/**
 * The TUI's record forms: new and edit for contacts, deals and tickets. Each saves through the
 * domain function the matching command calls (addContact / editContact, addDeal / editDeal,
 * openTicket / editTicket), so a value is accepted here exactly when `crm … add|edit` accepts it,
 * and refused with the same words. Edits send only the fields that were changed, with the version
 * the form was opened on: if someone changed the record meanwhile, nothing is written and the
 * form says so.
 */
import { addContact, editContact, type ContactRecord } from '../domain/contacts.js';
import { addDeal, editDeal, type DealRecord } from '../domain/deals.js';
import type { Session } from '../domain/session.js';
import { editTicket, openTicket, setTicketPriority, type TicketRecord } from '../domain/tickets.js';
import { changedValues, given } from './form.js';
import type { FormSpec } from './screens/types.js';

const NOTHING = 'Nothing changed — esc closes the form.';

function edited<T extends string>(changes: Record<string, string>, names: readonly T[]): Partial<Record<T, string>> {
  const out: Partial<Record<T, string>> = {};
  for (const n of names) if (n in changes) out[n] = changes[n]!.trim();
  return out;
}

// ---- contacts -----------------------------------------------------------------------------

const CONTACT_FIELDS = ['name', 'email', 'phone', 'company', 'title', 'lifecycle', 'owner'] as const;

function contactFields(c?: ContactRecord) {
  return [
    { name: 'name', label: 'Name', initial: c?.name, hint: 'e.g. Sara Rahimi' },
    { name: 'email', label: 'Email', initial: c?.email ?? '', hint: 'an email or a phone is needed' },
    { name: 'phone', label: 'Phone', initial: c?.phone ?? '', hint: 'e.g. +49 30 1234' },
    { name: 'company', label: 'Company', initial: c?.company?.name ?? '', hint: 'created if new' },
    { name: 'title', label: 'Job title', initial: c?.title ?? '' },
    { name: 'lifecycle', label: 'Lifecycle', initial: c?.lifecycle ?? '', hint: 'e.g. lead, customer' },
    { name: 'owner', label: 'Owner', initial: c?.owner ?? '', hint: 'user handle' },
  ];
}

export function newContactForm(session: Session, onSaved?: (c: ContactRecord) => void): FormSpec {
  return {
    title: 'New contact',
    fields: contactFields(),
    async save(form) {
      const v = form.values;
      const c = await addContact(session, Object.fromEntries(CONTACT_FIELDS.map((n) => [n, given(v, n)])));
      onSaved?.(c);
      return `Added contact #${c.id} ${c.name}.`;
    },
  };
}

export function editContactForm(session: Session, contact: ContactRecord): FormSpec {
  return {
    title: `Edit contact #${contact.id} ${contact.name}`,
    fields: contactFields(contact),
    async save(form) {
      const changes = edited(changedValues(form), CONTACT_FIELDS);
      if (Object.keys(changes).length === 0) throw new Error(NOTHING);
      const c = await editContact(session, String(contact.id), changes, {}, contact.version);
      return `Updated contact #${c.id} ${c.name}.`;
    },
  };
}

// ---- deals --------------------------------------------------------------------------------

const DEAL_EDIT_FIELDS = ['title', 'company', 'contact', 'amount', 'close', 'owner'] as const;

function dealFields(d?: DealRecord) {
  return [
    { name: 'title', label: 'Title', initial: d?.title, hint: 'e.g. Acme renewal' },
    { name: 'company', label: 'Company', initial: d?.company?.name ?? '', hint: 'created if new' },
    { name: 'contact', label: 'Contact', initial: d?.contact ? (d.contact.email ?? d.contact.name) : '', hint: 'name or email' },
    { name: 'amount', label: 'Amount', initial: d ? `${d.amount.amount} ${d.amount.currency}` : '', hint: 'e.g. 12500.50 EUR' },
    { name: 'close', label: 'Close', initial: d?.expectedClose ?? '', hint: 'expected close, e.g. 2026-12-31' },
    { name: 'owner', label: 'Owner', initial: d?.owner ?? '', hint: 'user handle (empty: you)' },
  ];
}

export function newDealForm(session: Session, opts: { stage?: string; pipeline?: string }, onSaved?: (d: DealRecord) => void): FormSpec {
  return {
    title: `New deal${opts.pipeline ? ` in ${opts.pipeline}` : ''}`,
    fields: [...dealFields(), { name: 'stage', label: 'Stage', initial: opts.stage ?? '', hint: 'an open stage (name or prefix)' }],
    async save(form) {
      const v = form.values;
      const d = await addDeal(session, {
        title: v.title ?? '',
        company: given(v, 'company'),
        contact: given(v, 'contact'),
        amount: given(v, 'amount'),
        close: given(v, 'close'),
        owner: given(v, 'owner'),
        stage: given(v, 'stage'),
        pipeline: opts.pipeline,
      });
      onSaved?.(d);
      return `Added deal #${d.id} ${d.title} (${d.stage.name}, ${d.amount.format()}).`;
    },
  };
}

export function editDealForm(session: Session, deal: DealRecord): FormSpec {
  return {
    title: `Edit deal #${deal.id} ${deal.title} (stages: H / L on the board)`,
    fields: dealFields(deal),
    async save(form) {
      const changes = edited(changedValues(form), DEAL_EDIT_FIELDS);
      if (Object.keys(changes).length === 0) throw new Error(NOTHING);
      const d = await editDeal(session, String(deal.id), changes, {}, deal.version);
      return `Updated deal #${d.id} ${d.title}.`;
    },
  };
}

// ---- tickets ------------------------------------------------------------------------------

export function newTicketForm(session: Session, onSaved?: (t: TicketRecord) => void): FormSpec {
  return {
    title: 'New ticket',
    fields: [
      { name: 'subject', label: 'Subject', hint: 'e.g. Printer on fire' },
      { name: 'contact', label: 'Requester', hint: 'contact name or email' },
      { name: 'priority', label: 'Priority', initial: 'normal', hint: 'low, normal, high, urgent' },
      { name: 'assignee', label: 'Assignee', hint: 'user handle (optional)' },
      { name: 'description', label: 'Description', multiline: true },
    ],
    async save(form) {
      const v = form.values;
      const t = await openTicket(session, {
        subject: v.subject ?? '',
        contact: given(v, 'contact'),
        priority: given(v, 'priority'),
        assignee: given(v, 'assignee'),
        description: given(v, 'description'),
      });
      onSaved?.(t);
      return `Opened ticket #${t.id} ${t.subject} (${t.priority}).`;
    },
  };
}

export function editTicketForm(session: Session, ticket: TicketRecord): FormSpec {
  return {
    title: `Edit ticket #${ticket.id} ${ticket.subject}`,
    fields: [
      { name: 'subject', label: 'Subject', initial: ticket.subject },
      { name: 'priority', label: 'Priority', initial: ticket.priority, hint: 'low, normal, high, urgent' },
      { name: 'category', label: 'Category', initial: ticket.category ?? '' },
      { name: 'description', label: 'Description', initial: ticket.description ?? '', multiline: true },
    ],
    async save(form) {
      const changes = changedValues(form);
      if (Object.keys(changes).length === 0) throw new Error(NOTHING);
      const { priority, ...rest } = changes;
      const fields = edited(rest, ['subject', 'category', 'description'] as const);
      let t: TicketRecord = ticket;
      if (Object.keys(fields).length) t = await editTicket(session, ticket.id, fields, t.version);
      if (priority !== undefined) t = await setTicketPriority(session, ticket.id, priority.trim(), t.version);
      return `Updated ticket #${t.id} ${t.subject}.`;
    },
  };
}
