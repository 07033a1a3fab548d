/**
 * Property suite (issue #14), output part: random hostile strings — terminal escapes, C0/C1
 * controls, bidi controls, formula prefixes, apostrophes, quotes, line breaks, wide and
 * right-to-left scripts — through the real commands (the in-process runCli harness):
 *
 *  (a) on a terminal no command prints a control or escape byte it did not mean to;
 *  (c) every failure is exit 1 or 2 with one error line (and a hint line), no stack trace;
 *  (b) export → import into an empty database → export is the identity on stored values.
 *
 * Fixed seeds and modest run counts keep it fast (~10 s quiet) and repeatable; a failure prints
 * its counterexample (and fast-check's seed) so it can be replayed. The generous timeouts only
 * keep a loaded machine from failing it; nothing here measures time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDb, cliFor } from '../helpers/run-cli.js';
import { UNSAFE, withoutOwnCodes as own } from '../helpers/terminal.js';

const FRAGMENTS = [
  '\u001b[2J', '\u001b]0;title\u0007', '\u001b]8;;http://x\u001b\\', '\u009b31m', '\u0007', '\u0000', '\b', '\r', '\u007f',
  '\u202e', '\u202b', '\u2066', '\u200f', '=', '+', '-', '@', '=1+1', '-1-1', '+1/2', "'", "''", '"', ',', ';', '?',
  '\n', '\r\n', '\t', ' ', 'سارا', 'رحیمی', '李伟', '👩‍💻', 'Ana', 'O\'Neil', '0', '1,5', '#', '\\', '%', '{{x}}',
];

/** Strings made of hostile fragments and a few random characters. */
const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 3, unit: 'binary' }) }), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

/** Hostile strings a command accepts: no control character but tab and newline (CRLF is a newline). */
const storable = hostile.map((s) => s.replace(/\r(?!\n)/g, '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ''));


/** (c), and (a) when the streams are a terminal. */
function expectWellBehaved(argv: string[], r: { exitCode: number; stdout: string; stderr: string }, terminal = true): void {
  const where = `crm ${JSON.stringify(argv)}`;
  expect([0, 1, 2], `${where}: ${r.stderr}`).toContain(r.exitCode);
  if (terminal) {
    expect(own(r.stdout), `${where}: stdout`).not.toMatch(UNSAFE);
    expect(own(r.stderr), `${where}: stderr`).not.toMatch(UNSAFE);
  }
  expect(r.stderr, where).not.toMatch(/internal error|\n\s+at /);
  if (r.exitCode !== 0) expect(r.stderr, `${where}: one error line`).toMatch(/^error: [^\n]*\n(?:hint: [^\n]*\n)?$/);
}

describe('hostile text through the real commands', () => {
  it('(a, c) on a terminal: no unintended control byte on stdout or stderr; failures are one line, exit 1 or 2', async () => {
    const t = tempDb();
    try {
      const crm = cliFor(t.db, { tty: true });
      expect((await crm(['db', 'init'])).exitCode).toBe(0);
      await crm(['contact', 'add', 'Sara Rahimi', '--email', 'sara@example.com', '--company', 'Acme Ltd']);
      await crm(['deal', 'add', 'Acme renewal', '--contact', 'sara@example.com', '--amount', '100 EUR']);
      await crm(['ticket', 'open', 'Printer on fire', '--contact', 'sara@example.com']);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(hostile, storable, fc.boolean(), async (s, stored, color) => {
          n++;
          const commands = [
            ['contact', 'add', '--email', `p${n}@example.com`, '--title', s, '--notes', s, '--', s],
            ['contact', 'add', '--email', `q${n}@example.com`, '--title', stored, '--notes', stored, '--company', stored, '--', stored],
            ['contact', 'edit', '1', '--title', stored],
            ['contact', 'show', `q${n}@example.com`],
            ['contact', 'find', stored],
            ['contact', 'list', stored],
            ['company', 'add', stored, '--allow-duplicate'],
            ['deal', 'add', '--amount', '5 EUR', '--contact', 'sara@example.com', '--', stored],
            ['deal', 'edit', '1', '--title', stored],
            ['deal', 'move', '1', stored],
            ['log', 'note', '1', stored],
            ['ticket', 'note', '1', stored],
            ['ticket', 'edit', '1', '--subject', stored, '--description', s],
            ['ticket', 'show', '1'],
            ['task', 'add', '--due', 'tomorrow', '--', stored],
            ['deal', 'list'],
            ['activity', 'list'],
            ['contact', s],
          ];
          for (const argv of commands) expectWellBehaved(argv, await crm(argv, { color }));
        }),
        { numRuns: 12, seed: 14_11 },
      );
    } finally {
      t.cleanup();
    }
  }, 120_000);

  it('(b) export → import into an empty database → export gives the same stored values', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(storable, storable, storable, storable), { minLength: 1, maxLength: 3 }), async (records) => {
        const a = tempDb();
        const b = tempDb();
        try {
          const one = cliFor(a.db);
          const two = cliFor(b.db);
          await one(['db', 'init']);
          await two(['db', 'init']);
          for (const [name, title, company, text] of records) {
            const email = `c${++n}@example.com`;
            const added = await one(['contact', 'add', '--email', email, '--title', title, '--notes', text, '--company', company, '--', name]);
            expectWellBehaved(['contact', 'add', name], added, false);
            if (added.exitCode === 0) expectWellBehaved(['ticket', 'open', title], await one(['ticket', 'open', '--contact', email, '--description', text, '--', title]), false);
          }
          const entities = ['companies', 'contacts', 'tickets'];
          for (const entity of entities) {
            const file = `${a.dir}/${entity}.csv`;
            expect((await one(['export', entity, '-o', file])).exitCode).toBe(0);
            const imported = await two(['import', entity, file]);
            expect(imported.exitCode, imported.stderr).toBe(0);
          }
          for (const entity of entities) {
            const before = await one(['export', entity, '--json']);
            const after = await two(['export', entity, '--json']);
            expect(after.json(), entity).toEqual(before.json());
            expect((await two(['export', entity])).stdout, entity).toBe((await one(['export', entity])).stdout);
          }
        } finally {
          a.cleanup();
          b.cleanup();
        }
      }),
      { numRuns: 10, seed: 14_04 },
    );
  }, 120_000);
});
