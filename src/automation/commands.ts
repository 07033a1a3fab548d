/**
 * The `run:` action (a configured command with the event as JSON on stdin) is not built yet:
 * a rule naming one is refused when it is added, so no rule claims to do what crm cannot.
 */
import { UsageError } from '../errors.js';
import type { Session } from '../domain/session.js';

export async function checkCommandConfigured(_s: Session, name: string, rule: string): Promise<void> {
  throw new UsageError(`Rule "${rule}": the run action (command "${name}") is not available in this version of crm.`, 'Use notify, task, assign, set, tag or email actions (crm help automation).', 'bad_rule');
}
