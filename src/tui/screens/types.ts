import type { Session } from '../../domain/session.js';
import type { Theme } from '../theme.js';

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
}

/** The message of an error for the status line: a UserError's text and hint, or a bug's message. */
export function errorText(err: unknown): string {
  const e = err as { message?: string; hint?: string };
  return [e?.message ?? String(err), e?.hint].filter(Boolean).join(' — ');
}
