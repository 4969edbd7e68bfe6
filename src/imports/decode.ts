/**
 * Charset of a CSV, decided from its bytes while streaming: UTF-8 (with or without BOM), else
 * GB18030 (a superset of GBK, what Excel on Chinese Windows writes).
 *
 * The decision is made at the first non-ASCII byte (ASCII text reads the same in both): the bytes
 * from there, up to DECIDE_WINDOW, are checked as strict UTF-8. Valid → UTF-8 for the whole file, and
 * any invalid sequence later means mixed encodings. Invalid → GB18030, and a character GB18030 cannot
 * map (iconv-lite gives U+FFFD) means the file is in neither encoding.
 */
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

export const ENCODING_PROBLEM = '文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV';

export class EncodingError extends Error {
  constructor() {
    super(ENCODING_PROBLEM);
    this.name = 'EncodingError';
  }
}

export type Charset = 'utf-8' | 'gb18030';

/** Bytes looked at, from the first non-ASCII byte, before deciding. */
const DECIDE_WINDOW = 64 * 1024;

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i += 1) if ((bytes[i] as number) >= 0x80) return i;
  return -1;
}

/**
 * Strict UTF-8 check: `valid` when every sequence is well formed (an incomplete one at the end is
 * allowed unless `atEnd`), and how many multi-byte characters come before the first bad byte.
 */
export function utf8Prefix(bytes: Uint8Array, atEnd: boolean): { valid: boolean; characters: number } {
  let characters = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return { valid: false, characters };
    for (let k = 1; k <= need; k += 1) {
      if (i + k >= bytes.length) return { valid: !atEnd, characters };
      const c = bytes[i + k] as number;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return { valid: false, characters };
    }
    characters += 1;
    i += need + 1;
  }
  return { valid: true, characters };
}

/** GBK text passes as UTF-8 for a character now and then (about 1 in 12); this many in a row is UTF-8. */
const MIXED_THRESHOLD = 6;

/**
 * Decodes a byte stream to text (BOM removed). `onCharset` is told the decision once it is made
 * (never for a pure-ASCII file). Throws EncodingError.
 */
export async function* decodeText(
  source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  onCharset?: (charset: Charset) => void,
): AsyncGenerator<string> {
  let charset: Charset | null = null;
  let utf8: TextDecoder | null = null;
  let gb: iconv.DecoderStream | null = null;
  let held: Buffer[] = [];
  let heldLength = 0;
  let atStart = true;

  const decide = (atEnd: boolean): string => {
    const bytes = Buffer.concat(held);
    held = [];
    heldLength = 0;
    const prefix = utf8Prefix(bytes, atEnd);
    if (!prefix.valid && prefix.characters >= MIXED_THRESHOLD) throw new EncodingError();
    if (prefix.valid) {
      charset = 'utf-8';
      utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    } else {
      charset = 'gb18030';
      gb = iconv.getDecoder('gb18030');
    }
    onCharset?.(charset);
    return run(bytes);
  };

  const run = (bytes: Buffer): string => {
    if (utf8) {
      try {
        return utf8.decode(bytes, { stream: true });
      } catch {
        throw new EncodingError();
      }
    }
    const text = (gb as iconv.DecoderStream).write(bytes);
    if (text.includes('\uFFFD')) throw new EncodingError();
    return text;
  };

  for await (const piece of source) {
    let bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    // NUL never occurs in a text CSV: UTF-16 (Excel's "Unicode text") or a binary file
    if (bytes.includes(0)) throw new EncodingError();
    if (atStart) {
      held.push(bytes);
      heldLength += bytes.length;
      if (heldLength < 3) continue;
      bytes = Buffer.concat(held);
      held = [];
      heldLength = 0;
      atStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        charset = 'utf-8';
        utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
        onCharset?.(charset);
      }
    }
    if (charset !== null) {
      const text = run(bytes);
      if (text) yield text;
      continue;
    }
    if (heldLength === 0) {
      const i = firstNonAscii(bytes);
      if (i < 0) {
        if (bytes.length) yield bytes.toString('latin1');
        continue;
      }
      if (i > 0) yield bytes.toString('latin1', 0, i);
      bytes = bytes.subarray(i);
    }
    held.push(bytes);
    heldLength += bytes.length;
    if (heldLength >= DECIDE_WINDOW) {
      const text = decide(false);
      if (text) yield text;
    }
  }

  if (atStart) {
    // a file shorter than 3 bytes
    const bytes = Buffer.concat(held);
    held = [];
    const i = firstNonAscii(bytes);
    if (i < 0) {
      if (bytes.length) yield bytes.toString('latin1');
      return;
    }
    if (i > 0) yield bytes.toString('latin1', 0, i);
    held.push(bytes.subarray(i));
    heldLength = bytes.length - i;
  }
  if (charset === null && heldLength > 0) {
    const text = decide(true);
    if (text) yield text;
  }
  // flush: an incomplete sequence at the end of the file is damage
  if (utf8) {
    try {
      const tail = (utf8 as TextDecoder).decode();
      if (tail) yield tail;
    } catch {
      throw new EncodingError();
    }
  }
  if (gb) {
    const tail = (gb as iconv.DecoderStream).end() ?? '';
    if (tail.includes('\uFFFD')) throw new EncodingError();
    if (tail) yield tail;
  }
}
