import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFromLine, mailboxMessages, mboxFileMessages, splitMbox } from '../../src/mail/read.js';
import { sanitizeFilename } from '../../src/mail/attachments.js';
import { clean } from '../../src/mail/parse.js';

const sep = (n: number) => `From sender${n}@example.com Mon Nov 16 09:0${n % 10}:00 2026`;

describe('splitMbox', () => {
  it('unescapes ">From " lines (mboxrd) and drops the separator lines', () => {
    const box = [sep(1), 'Subject: one', '', 'body', '', sep(2), 'Subject: two', '', '>From an escaped line', '>>From a doubly escaped line', ''].join('\n');
    const parts = splitMbox(Buffer.from(box), 'box');
    expect(parts.map((p) => p.source)).toEqual(['box#1', 'box#2']);
    expect(parts[0]!.bytes.toString()).toBe('Subject: one\n\nbody\n');
    expect(parts[1]!.bytes.toString()).toBe('Subject: two\n\nFrom an escaped line\n>From a doubly escaped line');
  });

  it('keeps a body paragraph starting with "From " inside its message', () => {
    const box = `${sep(1)}\nSubject: a\n\nFrom the desk of Sara:\n\nFrom now on, call me.\n\n${sep(2)}\nSubject: b\n\nbye\n`;
    const parts = splitMbox(Buffer.from(box));
    expect(parts).toHaveLength(2);
    expect(parts[0]!.bytes.toString()).toBe('Subject: a\n\nFrom the desk of Sara:\n\nFrom now on, call me.\n');
    expect(parts[1]!.bytes.toString()).toBe('Subject: b\n\nbye');
  });

  it('round-trips any bodies written the mboxrd way (">From " escaped)', () => {
    const body = fc.array(fc.oneof(fc.constant('From me'), fc.constant('>From you'), fc.constant(''), fc.string({ maxLength: 20 }).map((x) => x.replace(/[\r\n]/g, ''))), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 5 }), (bodies) => {
        const texts = bodies.map((lines, i) => `Subject: ${i}\n\n${lines.join('\n')}`);
        const box = texts.map((t, i) => `${sep(i)}\n${t.replace(/^(>*From )/gm, '>$1')}\n\n`).join('');
        expect(splitMbox(Buffer.from(box)).map((p) => p.bytes.toString())).toEqual(texts.map((t) => `${t}\n`));
      }),
    );
  });

  it('streams a file in chunks of any size to the same messages as splitting it whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-mbox-'));
    try {
      const line = fc.oneof(fc.constant('From me'), fc.constant('>From you'), fc.constant(''), fc.constant('\r'), fc.string({ maxLength: 12 }).map((x) => x.replace(/\n/g, '')));
      fc.assert(
        fc.property(fc.array(fc.array(line, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), (bodies, chunk, crlf) => {
          const nl = crlf ? '\r\n' : '\n';
          const box = bodies.map((lines, i) => `${sep(i)}${nl}Subject: ${i}${nl}${nl}${lines.join(nl).replace(/^(>*From )/gm, '>$1')}${nl}${nl}`).join('');
          const file = join(dir, 'box');
          writeFileSync(file, box);
          const whole = splitMbox(Buffer.from(box), 'box').map((p) => [p.source, p.bytes.toString('latin1')]);
          expect([...mboxFileMessages(file, 'box', chunk)].map((p) => [p.source, p.bytes.toString('latin1')])).toEqual(whole);
        }),
      );
      // A mailbox is read again from the start each time it is walked (the attachment check walks it first).
      const file = join(dir, 'two');
      writeFileSync(file, `${sep(1)}\nSubject: a\n\nx\n\n${sep(2)}\nSubject: b\n\ny\n`);
      const box = mailboxMessages(file);
      expect([...box].length).toBe(2);
      expect([...box].map((m) => m.source)).toEqual(['two#1', 'two#2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits bytes without decoding them (any charset survives)', () => {
    const latin1 = Buffer.from([0x43, 0x61, 0x66, 0xe9]);
    const box = Buffer.concat([Buffer.from(`${sep(1)}\nSubject: x\n\n`), latin1, Buffer.from('\n')]);
    expect(splitMbox(box)[0]!.bytes.subarray(-4)).toEqual(latin1);
  });

  it('recognises separators with and without seconds, and refuses prose', () => {
    expect(isFromLine('From MAILER-DAEMON Thu Jan  1 00:00:00 1970')).toBe(true);
    expect(isFromLine('From bob@example.com Sat Jan  3 01:05 2004')).toBe(true);
    expect(isFromLine('From the desk of Sara:')).toBe(false);
  });
});

describe('attachment names and header text', () => {
  it('sanitises names: no paths, no control characters, no hidden files', () => {
    expect(sanitizeFilename('../../etc/passwd', 0)).toBe('passwd');
    expect(sanitizeFilename('..\\..\\boot.ini', 0)).toBe('boot.ini');
    expect(sanitizeFilename('\u001b[31mred.txt', 0)).toBe('_[31mred.txt');
    expect(sanitizeFilename('.bashrc', 0)).toBe('bashrc');
    expect(sanitizeFilename(null, 2)).toBe('attachment-3');
    expect(sanitizeFilename(`${'a'.repeat(300)}.pdf`, 0)).toMatch(/^a{116}\.pdf$/);
  });

  it('removes escape sequences and bidi overrides from text', () => {
    expect(clean('a\u001b[2Jb\u202ec\r\nd')).toBe('a[2Jbc\nd');
  });
});
