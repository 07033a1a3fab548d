import type { Board } from '../../domain/board.js';
import type { Session } from '../../domain/session.js';
import type { FormField, FormState } from '../form.js';
import type { Theme } from '../theme.js';

/**
 * A record form a screen opens (new deal, edit contact…): its fields, and what saving does — a
 * domain call, whose refusal comes back into the form. Resolves to the status line's text.
 */
export interface FormSpec {
  title: string;
  fields: FormField[];
  save(form: FormState): Promise<string>;
}

/** Where a screen can send the user: a contact's detail (from a deal on the board). */
export type Navigation = { screen: 'contacts'; contactId: number };

export type StatusKind = 'info' | 'error';

/** What every screen receives from the app. */
export interface ScreenProps {
  session: Session;
  theme: Theme;
  width: number;
  /** Rows available to the screen, its footer line included. */
  height: number;
  /** Only the visible screen takes keys. */
  active: boolean;
  /** Changes when another process committed to the database: reload. */
  dataVersion: number;
  now: Date;
  setStatus: (text: string, kind?: StatusKind) => void;
  /** The board's pipeline (default: the default pipeline). */
  pipeline?: string;
  /** Call after a write: every screen reloads (ours do not change SQLite's data_version). */
  changed: () => void;
  /** Open a record form over the screen (the app routes keys to it until it is saved or cancelled). */
  openForm: (spec: FormSpec) => void;
  /** Switch screens to show a record there. */
  navigate: (to: Navigation) => void;
  /** The last navigation to this screen (a new object each time). */
  request?: Navigation | null;
  /** The board as `crm tui` read it before Ink loaded: the first frame shows it, no loading frame. */
  initialBoard?: Board;
}

/** The message of an error for the status line: a UserError's text and hint, or a bug's message. */
export function errorText(err: unknown): string {
  const e = err as { message?: string; hint?: string };
  return [e?.message ?? String(err), e?.hint].filter(Boolean).join(' — ');
}
