/**
 * Frozen once shipped. The run action of automation rules (issue #18): what a configured command
 * printed and how it ended (exit code, signal, timeout), as JSON on the rule's firing row — shown
 * by `crm rule history`. Same text on both engines.
 */
export const version = 25;
export const name = 'rule command output';
export const sql = `
ALTER TABLE rule_firings ADD COLUMN output TEXT;
`;
