/**
 * Bytes → text for CSV files, never silently: a byte sequence that is not valid in the chosen
 * encoding is an error naming its byte offset. A BOM decides UTF-8 / UTF-16LE / UTF-16BE;
 * otherwise UTF-8 unless --encoding names a legacy code page, which iconv-lite decodes
 * (Node 20's own windows-1252 decoder maps 0x80–0x9F to control codes).
 */
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { UserError, UsageError } from '../errors.js';

export interface ChunkDecoder {
  /** The encoding actually used (after BOM detection), e.g. "utf-8", "utf-16le", "windows-1252". */
  readonly encoding: string;
  /** Number of BOM bytes skipped at the start of the file. */
  readonly bomLength: number;
  /** Decode the next chunk; `offset` is the file offset of chunk[0]. */
  write(chunk: Buffer, offset: number): string;
  end(): string;
}

const ENCODING_HINT = 'If the file was saved by Excel or an older system, name its encoding: --encoding windows-1252 (or latin1, iso-8859-15, shift_jis, gb18030…).';

export function normalizeEncodingName(name: string): string {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  if (n === 'utf8') return 'utf-8';
  if (n === 'cp1252' || n === 'win1252' || n === 'windows1252') return 'windows-1252';
  if (n === 'utf16le' || n === 'utf-16') return 'utf-16le';
  if (n === 'utf16be') return 'utf-16be';
  if (!iconv.encodingExists(n)) throw new UsageError(`Unknown encoding "${name}".`, 'Use e.g. utf-8, utf-16le, windows-1252, latin1, iso-8859-15, shift_jis, gb18030.');
  return n;
}

/** Detect the BOM of the first bytes: it wins over --encoding (it cannot be wrong). */
export function detectBom(first: Buffer): { encoding: string; length: number } | undefined {
  if (first.length >= 3 && first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (first.length >= 2 && first[0] === 0xff && first[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (first.length >= 2 && first[0] === 0xfe && first[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

export function createDecoder(file: string, first: Buffer, requested?: string): ChunkDecoder {
  const bom = detectBom(first);
  const encoding = bom?.encoding ?? (requested ? normalizeEncodingName(requested) : 'utf-8');
  const bomLength = bom?.length ?? 0;
  if (encoding === 'utf-8') return utf8Decoder(file, bomLength);
  return iconvDecoder(file, encoding, bomLength);
}

/** Length of the UTF-8 sequence a lead byte starts (0 for a byte that cannot start one). */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Offset of the first invalid byte in a buffer of complete sequences, or -1. */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(b);
    if (n === 0 || i + n > buf.length) return i;
    const b1 = buf[i + 1]!;
    if ((b1 & 0xc0) !== 0x80) return i;
    if (b === 0xe0 && b1 < 0xa0) return i; // overlong
    if (b === 0xed && b1 > 0x9f) return i; // surrogates
    if (b === 0xf0 && b1 < 0x90) return i;
    if (b === 0xf4 && b1 > 0x8f) return i;
    for (let k = 2; k < n; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/** How many bytes at the end of buf belong to a sequence that continues in the next chunk. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const n = sequenceLength(b);
    return n > back ? back : 0;
  }
  return 0;
}

function utf8Decoder(file: string, bomLength: number): ChunkDecoder {
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  const fail = (buf: Buffer, at: number, base: number): never => {
    const byte = buf[at]!;
    throw new UserError(
      `${file} is not valid UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at offset ${base + at} cannot start or continue a character.`,
      ENCODING_HINT,
      'invalid_encoding',
    );
  };
  return {
    encoding: 'utf-8',
    bomLength,
    write(chunk, offset) {
      const base = carry.length ? carryOffset : offset;
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const tail = incompleteTail(buf);
      const body = tail ? buf.subarray(0, buf.length - tail) : buf;
      if (!isUtf8(body)) fail(body, firstInvalidUtf8(body), base);
      carry = tail ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
      carryOffset = base + body.length;
      return body.toString('utf8');
    },
    end() {
      if (carry.length) fail(carry, 0, carryOffset);
      return '';
    },
  };
}

const SINGLE_BYTE = /^(windows-125\d|latin\d|iso-8859-\d+|cp\d+|koi8-[ru]|macintosh|ascii|binary)$/;

function iconvDecoder(file: string, encoding: string, bomLength: number): ChunkDecoder {
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  let decodedBytes = bomLength;
  const singleByte = SINGLE_BYTE.test(encoding);
  const check = (text: string, chunkStart: number): string => {
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0) {
      // Single-byte code pages: character index = byte index. Others: re-encode the prefix.
      const at = singleByte ? chunkStart + bad : chunkStart + iconv.encode(text.slice(0, bad), encoding).length;
      throw new UserError(`${file} is not valid ${encoding}: the bytes at offset ${at} are not a character in that encoding.`, ENCODING_HINT, 'invalid_encoding');
    }
    return text;
  };
  return {
    encoding,
    bomLength,
    write(chunk) {
      const start = decodedBytes;
      decodedBytes += chunk.length;
      return check(decoder.write(chunk), start);
    },
    end() {
      return check(decoder.end() ?? '', decodedBytes);
    },
  };
}
