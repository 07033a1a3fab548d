/**
 * Keymaps are data: action → keys → description. The same tables drive key handling, the
 * footer and the `?` help overlay, so what the help says is what the keys do. A binding that
 * changes records names the permission it needs (src/domain/permissions.ts): for a user without
 * it the key is hidden from the footer and the help and does nothing, by the same table the
 * domain enforces.
 */
import type { Action } from '../domain/permissions.js';

/** The subset of Ink's Key we look at (kept structural so reducers and tests need no Ink). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export interface KeyBinding<A extends string = string> {
  action: A;
  keys: string[];
  description: string;
  /** Shown in the footer (the most useful few); every binding is in the help overlay. */
  footer?: boolean;
  /** The footer's word for it, when the description is too long for a footer. */
  short?: string;
  /** The permission the action needs; keys the acting user may not use are hidden and inert. */
  needs?: Action;
}

export type Keymap<A extends string = string> = readonly KeyBinding<A>[];

/** One canonical name per key press: "j", "G", "down", "enter", "ctrl+c", "shift+tab". */
export function keyName(input: string, key: KeyInfo): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.escape) return 'escape';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

let permits: ((action: Action) => boolean) | null = null;

/** Which permissions the acting user has; set by the app for its session (null: everything). */
export function setKeyPermits(fn: ((action: Action) => boolean) | null): void {
  permits = fn;
}

/** Whether the acting user may use a binding (the footer, the help and key handling ask this). */
export function usable(b: KeyBinding): boolean {
  return b.needs === undefined || permits === null || permits(b.needs);
}

export function actionFor<A extends string>(keymap: Keymap<A>, input: string, key: KeyInfo): A | undefined {
  const name = keyName(input, key);
  return keymap.find((b) => b.keys.includes(name) && usable(b))?.action;
}

const KEY_LABELS: Record<string, string> = { up: '↑', down: '↓', left: '←', right: '→', enter: '⏎', escape: 'esc', space: 'space', pageup: 'PgUp', pagedown: 'PgDn' };

export function keyLabel(k: string): string {
  return KEY_LABELS[k] ?? k;
}

export function keysLabel(b: KeyBinding): string {
  return b.keys.map(keyLabel).join('/');
}

// ---- the tables -----------------------------------------------------------------------------

export type GlobalAction = 'next-screen' | 'prev-screen' | 'contacts' | 'board' | 'queue' | 'agenda' | 'dashboard' | 'inbox' | 'help' | 'quit';

export const GLOBAL_KEYS: Keymap<GlobalAction> = [
  { action: 'next-screen', keys: ['tab'], description: 'next screen', footer: true, short: 'screens' },
  { action: 'prev-screen', keys: ['shift+tab'], description: 'previous screen' },
  { action: 'board', keys: ['1'], description: 'pipeline board' },
  { action: 'queue', keys: ['2'], description: 'support queue' },
  { action: 'contacts', keys: ['3'], description: 'contacts' },
  { action: 'agenda', keys: ['4'], description: 'agenda' },
  { action: 'dashboard', keys: ['5'], description: 'dashboard: KPIs, pipeline, SLA' },
  { action: 'inbox', keys: ['6'], description: 'inbox: notifications from rules' },
  { action: 'help', keys: ['?'], description: 'help: all keys', footer: true, short: 'keys' },
  { action: 'quit', keys: ['q', 'ctrl+c'], description: 'quit', footer: true },
];

export type ListAction = 'down' | 'up' | 'page-down' | 'page-up' | 'first' | 'last';

/** Cursor movement shared by every list. */
export const LIST_KEYS: Keymap<ListAction> = [
  { action: 'down', keys: ['j', 'down'], description: 'move down' },
  { action: 'up', keys: ['k', 'up'], description: 'move up' },
  { action: 'page-down', keys: ['pagedown', 'ctrl+d'], description: 'page down' },
  { action: 'page-up', keys: ['pageup', 'ctrl+u'], description: 'page up' },
  { action: 'first', keys: ['g', 'home'], description: 'first' },
  { action: 'last', keys: ['G', 'end'], description: 'last' },
];

export type ContactsAction = ListAction | 'search' | 'open' | 'back' | 'log-call' | 'log-note' | 'add-task' | 'psych-note' | 'new' | 'edit';

export const CONTACTS_KEYS: Keymap<ContactsAction> = [
  { action: 'search', keys: ['/'], description: 'search (type any script; ⏎ keeps, esc clears)', footer: true, short: 'search' },
  { action: 'open', keys: ['enter', 'l', 'right'], description: 'open contact', footer: true, short: 'open' },
  { action: 'back', keys: ['escape', 'h', 'left'], description: 'back to the list' },
  { action: 'log-call', keys: ['c'], description: 'log a call with the contact', footer: true, short: 'call', needs: 'activity.write' },
  { action: 'log-note', keys: ['n'], description: 'add a note', footer: true, short: 'note', needs: 'activity.write' },
  { action: 'add-task', keys: ['t'], description: 'add a follow-up task (due: tomorrow, next friday 9am…)', footer: true, short: 'task', needs: 'activity.write' },
  { action: 'psych-note', keys: ['p'], description: 'add a psychological note (how this person likes to be dealt with; shown first)', footer: true, short: 'psych' },
  { action: 'new', keys: ['+'], description: 'new contact', footer: true, short: 'new', needs: 'contact.write' },
  { action: 'edit', keys: ['e'], description: 'edit the contact: name, email, phone, company, title, lifecycle, owner', footer: true, short: 'edit', needs: 'contact.write' },
  ...LIST_KEYS,
];

export type BoardAction =
  | 'col-left'
  | 'col-right'
  | 'down'
  | 'up'
  | 'page-down'
  | 'page-up'
  | 'first'
  | 'last'
  | 'move-left'
  | 'move-right'
  | 'win'
  | 'lose'
  | 'open'
  | 'back'
  | 'filter'
  | 'mine'
  | 'new'
  | 'edit'
  | 'open-contact'
  | 'open-company';

export const BOARD_KEYS: Keymap<BoardAction> = [
  { action: 'col-left', keys: ['h', 'left'], description: 'previous column' },
  { action: 'col-right', keys: ['l', 'right'], description: 'next column' },
  { action: 'down', keys: ['j', 'down'], description: 'next deal' },
  { action: 'up', keys: ['k', 'up'], description: 'previous deal' },
  { action: 'page-down', keys: ['pagedown', 'ctrl+d'], description: 'page down' },
  { action: 'page-up', keys: ['pageup', 'ctrl+u'], description: 'page up' },
  { action: 'first', keys: ['g', 'home'], description: 'first deal' },
  { action: 'last', keys: ['G', 'end'], description: 'last deal' },
  { action: 'move-left', keys: ['H', '<'], description: 'move deal to the previous stage', footer: true, short: 'move ←', needs: 'deal.write' },
  { action: 'move-right', keys: ['L', '>'], description: 'move deal to the next stage', footer: true, short: 'move →', needs: 'deal.write' },
  { action: 'win', keys: ['w'], description: 'mark deal won', footer: true, short: 'won', needs: 'deal.write' },
  { action: 'lose', keys: ['x'], description: 'mark deal lost (asks the reason)', footer: true, short: 'lost', needs: 'deal.write' },
  { action: 'open', keys: ['enter'], description: 'deal detail with timeline', footer: true, short: 'detail' },
  { action: 'back', keys: ['escape'], description: 'close detail / clear filter' },
  { action: 'filter', keys: ['/'], description: 'filter: owner:sara amount:>5000 +renewal', footer: true, short: 'filter' },
  { action: 'mine', keys: ['m'], description: 'only my deals (toggle)' },
  { action: 'new', keys: ['+'], description: 'new deal (in the selected stage)', footer: true, short: 'new', needs: 'deal.write' },
  { action: 'edit', keys: ['e'], description: 'edit the deal: title, company, contact, amount, close, owner', needs: 'deal.write' },
  { action: 'open-contact', keys: ['c'], description: "open the deal's contact (on the contacts screen)" },
  { action: 'open-company', keys: ['o'], description: "open the deal's company: its people, deals and timeline" },
];

export type QueueAction = ListAction | 'open' | 'back' | 'assign' | 'reply' | 'note' | 'pending' | 'solve' | 'filter' | 'mine' | 'new' | 'edit';

export const QUEUE_KEYS: Keymap<QueueAction> = [
  { action: 'open', keys: ['enter', 'l', 'right'], description: 'ticket detail: events and SLA', footer: true, short: 'detail' },
  { action: 'back', keys: ['escape', 'h', 'left'], description: 'back to the queue / clear filter' },
  { action: 'assign', keys: ['a'], description: 'assign (asks whom; empty = me)', footer: true, short: 'assign', needs: 'ticket.write' },
  { action: 'reply', keys: ['r'], description: 'public reply to the requester', footer: true, short: 'reply', needs: 'ticket.write' },
  { action: 'note', keys: ['n'], description: 'internal note', footer: true, short: 'note', needs: 'ticket.write' },
  { action: 'pending', keys: ['p'], description: 'set pending (waiting for the requester; pauses the SLA clock)', footer: true, short: 'pending', needs: 'ticket.write' },
  { action: 'solve', keys: ['s'], description: 'solve', footer: true, short: 'solve', needs: 'ticket.write' },
  { action: 'filter', keys: ['/'], description: 'filter: priority:urgent,high assignee:none +vip', short: 'filter' },
  { action: 'mine', keys: ['m'], description: 'only tickets assigned to me (toggle)' },
  { action: 'new', keys: ['+'], description: 'new ticket (subject, requester, priority, description)', short: 'new', needs: 'ticket.write' },
  { action: 'edit', keys: ['e'], description: 'edit the ticket: subject, priority, category, description', needs: 'ticket.write' },
  ...LIST_KEYS,
];

export type AgendaAction = ListAction | 'done' | 'snooze' | 'everyone';

export const AGENDA_KEYS: Keymap<AgendaAction> = [
  { action: 'done', keys: ['x', 'space'], description: 'mark task done', footer: true, short: 'done', needs: 'activity.write' },
  { action: 'snooze', keys: ['z'], description: 'snooze the task (until: tomorrow, next monday 9am, 2026-12-01…)', footer: true, short: 'snooze', needs: 'activity.write' },
  { action: 'everyone', keys: ['o'], description: "everyone's tasks / only mine (toggle)", footer: true, short: 'everyone/mine' },
  ...LIST_KEYS,
];

export type DashboardAction = 'period-next' | 'period-prev' | 'mine';

export const DASHBOARD_KEYS: Keymap<DashboardAction> = [
  { action: 'period-next', keys: ['p', ']'], description: 'next period (this month, last month, this quarter…)', footer: true, short: 'period' },
  { action: 'period-prev', keys: ['P', '['], description: 'previous period in that list' },
  { action: 'mine', keys: ['m'], description: 'only my figures / everyone (toggle)', footer: true, short: 'mine/all' },
];

export type PromptAction = 'submit' | 'cancel';

export const PROMPT_KEYS: Keymap<PromptAction> = [
  { action: 'submit', keys: ['enter'], description: 'save', footer: true },
  { action: 'cancel', keys: ['escape'], description: 'cancel', footer: true },
];

export type TextAreaAction = 'new-line' | 'send' | 'cancel';

/** A text of several lines (a reply, a note): ⏎ is a new line, so sending is ctrl-s. */
export const TEXT_AREA_KEYS: Keymap<TextAreaAction> = [
  { action: 'new-line', keys: ['enter'], description: 'new line', footer: true },
  { action: 'send', keys: ['ctrl+s'], description: 'send', footer: true },
  { action: 'cancel', keys: ['escape'], description: 'cancel', footer: true },
];

export type FormAction = 'save' | 'next' | 'next-or-save' | 'prev' | 'cancel';

/** A record form (new / edit contact, deal, ticket): every field on screen, saved in one go. */
export const FORM_KEYS: Keymap<FormAction> = [
  { action: 'next-or-save', keys: ['enter'], description: 'next field; on the last one, save (in a text area: a new line)', footer: true, short: 'next' },
  { action: 'next', keys: ['tab', 'down'], description: 'next field' },
  { action: 'prev', keys: ['shift+tab', 'up'], description: 'previous field' },
  { action: 'save', keys: ['ctrl+s'], description: 'save from any field', footer: true, short: 'save' },
  { action: 'cancel', keys: ['escape'], description: 'cancel (nothing is written)', footer: true, short: 'cancel' },
];

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Ink hands over several characters as one "input" when they arrive together (a paste, keys
 * sent by tmux, very fast typing), and then recognises no key in it: "\rjj" is not "enter".
 * Split such a chunk into one key press per grapheme, recognising the control characters.
 */
export function splitChunk(input: string): { input: string; key: KeyInfo }[] {
  const out: { input: string; key: KeyInfo }[] = [];
  for (const { segment } of graphemes.segment(input)) {
    if (segment === '\r' || segment === '\n' || segment === '\r\n') out.push({ input: '', key: { return: true } });
    else if (segment === '\t') out.push({ input: '', key: { tab: true } });
    else if (segment === '\x7f' || segment === '\b') out.push({ input: '', key: { backspace: true } });
    else if (segment.length === 1 && segment.charCodeAt(0) < 0x20) out.push({ input: String.fromCharCode(segment.charCodeAt(0) + 96), key: { ctrl: true } });
    else out.push({ input: segment, key: {} });
  }
  return out;
}

export type InboxAction = 'open' | 'read-all' | ListAction;

export const INBOX_KEYS: Keymap<InboxAction> = [
  { action: 'open', keys: ['enter'], description: 'mark read and open its record (a contact opens on the contacts screen)', footer: true, short: 'open' },
  { action: 'read-all', keys: ['a'], description: 'mark every notification read', footer: true, short: 'all read' },
  ...LIST_KEYS,
];
