/**
 * PostgreSQL connection strings as crm sees them, without loading the driver: which --db/CRM_DB
 * values name a server, and the one way such a URL is shown to a person (password removed).
 */

const SCHEME = /^postgres(?:ql)?:\/\//i;

/** Whether a --db / CRM_DB value names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(target: string | undefined): target is string {
  return target !== undefined && SCHEME.test(target);
}

const HIDDEN = '***';

/**
 * The URL with any password replaced by ***: in the user-info part (postgres://u:secret@h/db)
 * and in a `password=` query parameter. Every message, status line and log that names a
 * PostgreSQL database goes through here.
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url);
  let out = url;
  if (scheme) {
    // The user info ends at the last "@" before the query: a password with an unescaped "@" or "/" is still hidden whole.
    const queryAt = url.search(/[?#]/);
    const head = queryAt < 0 ? url : url.slice(0, queryAt);
    const at = head.lastIndexOf('@');
    const colon = head.indexOf(':', scheme[0].length);
    if (at > scheme[0].length && colon >= 0 && colon < at) out = url.slice(0, colon + 1) + HIDDEN + url.slice(at);
  }
  return out.replace(/([?&]password=)[^&#]*/gi, `$1${HIDDEN}`);
}
