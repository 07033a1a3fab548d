/**
 * PostgreSQL failures a user can act on, as one-line UserErrors naming the database (password
 * hidden) and what to do; and the failures crm retries itself (never shown).
 */
import { CrmError, UserError } from '../../errors.js';

interface PgLikeError {
  code?: string;
  message?: string;
  routine?: string;
}

/** SQLSTATEs and socket errors of a failed transaction that succeeds when run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/** A serialization failure or deadlock: crm runs the transaction again. */
export function isRetryablePgError(err: unknown): boolean {
  return RETRYABLE.has(String((err as PgLikeError | undefined)?.code));
}

/**
 * `err` as a UserError when it is a connection, authentication or permission failure of the
 * database named by `shown` (a redacted URL); anything else is returned unchanged.
 */
export function translatePgError(err: unknown, shown: string): unknown {
  if (err instanceof CrmError || !(err instanceof Error)) return err;
  const e = err as Error & PgLikeError;
  const code = e.code ?? '';
  const msg = e.message ?? '';
  const at = `PostgreSQL at ${shown}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new UserError(`Cannot connect to ${at}: connection refused.`, 'Is the server running and listening on that host and port? Check --db / CRM_DB (or PGHOST, PGPORT).', 'db_connect');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`Cannot connect to ${at}: unknown host.`, 'Check the host name in --db / CRM_DB (or PGHOST).', 'db_connect');
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
      return new UserError(`Cannot connect to ${at}: ${code}.`, 'Check the network path to the server (firewall, VPN) and try again.', 'db_connect');
    case '28P01':
      return new UserError(`${at} refused the password.`, 'Check the password: in ~/.pgpass, PGPASSWORD, or the URL.', 'db_auth');
    case '28000':
      return new UserError(`${at} refused the connection: ${firstLine(msg)}.`, 'Ask the database administrator to allow this user and host (pg_hba.conf), or use sslmode=require.', 'db_auth');
    case '3D000':
      return new UserError(`${at}: ${firstLine(msg)}.`, 'Create it (see README, "Running on PostgreSQL"), then run: crm db migrate', 'db_missing');
    case '42501':
      return new UserError(`${at}: ${firstLine(msg)}.`, 'The role crm connects as lacks a privilege; README "Running on PostgreSQL" lists what it needs.', 'db_permission');
    case '53300':
    case '57P03':
      return new UserError(`${at} is not accepting connections now: ${firstLine(msg)}.`, 'Try again in a moment; if it persists, ask the database administrator.', 'db_connect');
  }
  if (/^SASL: .*password must be a string|^no password supplied/i.test(msg)) {
    return new UserError(`${at} asks for a password and none was given.`, 'Put it in ~/.pgpass (chmod 600) or PGPASSWORD — better than in the URL.', 'db_auth');
  }
  if (/^The server does not support SSL connections|^self[- ]signed certificate|certificate (has expired|verify failed)|^unable to (get|verify) .*certificate|^Hostname\/IP does not match certificate/i.test(msg)) {
    return new UserError(`Cannot connect to ${at}: ${firstLine(msg)}.`, 'Match sslmode in the URL to the server (e.g. sslmode=require, or sslmode=disable on a local server).', 'db_connect');
  }
  if (/^(Connection terminated|timeout exceeded when trying to connect|timeout expired)/i.test(msg)) {
    return new UserError(`Cannot connect to ${at}: ${firstLine(msg)}.`, 'Check that the server is up and reachable, then try again.', 'db_connect');
  }
  return err;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/\.$/, '');
}
