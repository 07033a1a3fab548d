/** src/output/color.ts writes its escape codes by hand; they must stay what chalk (level 1) writes. */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { colors } from '../../src/output/color.js';
import { intended, realize } from '../../src/output/safe.js';

const chalk = new Chalk({ level: 1 });
const on = colors({ color: true });
const off = colors({ color: false });

const reference = { bold: chalk.bold, dim: chalk.gray, red: chalk.red, green: chalk.green, yellow: chalk.yellow, cyan: chalk.cyan };

const inputs = [
  '',
  'plain',
  ' padded  ',
  'two\nlines',
  'windows\r\nline\r\nbreaks\n',
  '\nleading and trailing\n',
  `nested ${chalk.red('red')} and ${chalk.bold('bold')} inside`,
  `${chalk.gray('dim')}${chalk.cyan('cyan')}\n${chalk.yellow('x\ny')}`,
  'stray \u001B[39m close and \u001B[22m bold close',
  'ünïcödé ✓ 漢字 🙂',
];

describe('colors', () => {
  it.each(Object.keys(reference) as (keyof typeof reference)[])('%s matches chalk level 1', (name) => {
    // colors() writes intended() codes, which the writer of stdout/stderr turns into bytes (realize);
    // the inputs' own codes are marked the same way, as a renderer's nested styles are.
    const styled = (s: string) => s.replace(/\u001B/g, intended('\u001B'));
    for (const s of inputs) expect(JSON.stringify(realize(on[name](styled(s))))).toBe(JSON.stringify(reference[name](s)));
    // Styles applied to styled text, as the renderers do (a bold header cell in colour, …).
    for (const s of inputs) expect(realize(on.bold(on[name](styled(s))))).toBe(chalk.bold(reference[name](s)));
  });

  it('writes no codes without colour', () => {
    for (const name of Object.keys(reference) as (keyof typeof reference)[]) for (const s of inputs) expect(off[name](s)).toBe(s);
  });
});
