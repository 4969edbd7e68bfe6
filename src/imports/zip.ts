/**
 * A small ZIP reader for XLSX files: it trusts the central directory (at the end of the file), not
 * the local headers a streaming unzipper guesses from, so a truncated file is refused at once, and
 * it inflates one entry at a time with a hard cap on the inflated bytes (zip bombs).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** Any failure to read the container or an entry: the caller turns it into one Chinese problem. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** Random access to the bytes of an archive: a file on disk or a Buffer. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** Bytes [start, end) as a stream. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (position, length) => Promise.resolve(buffer.subarray(position, Math.min(buffer.length, position + length))),
    stream: (start, end) => Readable.from([buffer.subarray(start, end)]),
    close: () => Promise.resolve(),
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await fsp.open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    },
    stream: (start, end) =>
      end > start ? createReadStream(path, { start, end: end - 1, highWaterMark: 64 * 1024 }) : Readable.from([]),
    close: () => handle.close(),
  };
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** An XLSX holds a handful of parts; a directory of thousands is not a workbook. */
const MAX_ENTRIES = 10_000;

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('zip64 field out of range');
  return Number(value);
}

/** Reads the central directory. Throws ZipError when the file is not a complete ZIP archive. */
export async function readCentralDirectory(source: ByteSource): Promise<Map<string, ZipEntry>> {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('end of central directory not found');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const eocdPosition = tailStart + eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = await source.read(eocdPosition - 20, 20);
    if (locator.length !== 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipError('zip64 locator missing');
    const record = await source.read(u64(locator, 8), 56);
    if (record.length !== 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipError('zip64 record missing');
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (count > MAX_ENTRIES) throw new ZipError('too many entries');
  if (cdOffset + cdSize > eocdPosition) throw new ZipError('central directory out of bounds');
  const cd = await source.read(cdOffset, cdSize);
  if (cd.length !== cdSize) throw new ZipError('central directory truncated');

  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n += 1) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new ZipError('bad central directory entry');
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw new ZipError('bad central directory entry');
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64 extended information: the 8-byte values of the fields that are 0xffffffff, in this order
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const size = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = u64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(cd, q);
      }
      e += 4 + size;
    }
    if (localHeaderOffset + 30 > cdOffset) throw new ZipError('entry out of bounds');
    entries.set(name, { name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = end;
  }
  return entries;
}

/** Counts inflated bytes and fails past the declared size or the cap. */
class InflatedLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(new ZipError('inflated size over limit'));
    else callback(null, chunk);
  }
}

/**
 * The inflated bytes of one entry, at most `maxBytes` (and never more than the size the directory
 * declares: a lying header is a bomb). Yields Buffers; throws ZipError on any damage.
 */
export async function* entryBytes(source: ByteSource, entry: ZipEntry, maxBytes: number): AsyncGenerator<Buffer> {
  if (entry.flags & 0x1) throw new ZipError('encrypted entry');
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`compression method ${entry.method}`);
  if (entry.uncompressedSize > maxBytes) throw new ZipError('declared size over limit');
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length !== 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipError('bad local header');
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const end = start + entry.compressedSize;
  if (end > source.size) throw new ZipError('entry data truncated');
  const raw = source.stream(start, end);
  const limit = new InflatedLimit(entry.uncompressedSize);
  const inflated = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  // forward errors from every stage to the one we iterate
  raw.on('error', (error: Error) => limit.destroy(error));
  if (inflated !== raw) inflated.on('error', (error: Error) => limit.destroy(new ZipError(`inflate: ${error.message}`)));
  inflated.pipe(limit);
  let total = 0;
  try {
    for await (const chunk of limit as AsyncIterable<Buffer>) {
      total += chunk.length;
      yield chunk;
    }
  } finally {
    raw.destroy();
    if (inflated !== raw) inflated.destroy();
    limit.destroy();
  }
  if (total !== entry.uncompressedSize) throw new ZipError('inflated size differs from directory');
}
