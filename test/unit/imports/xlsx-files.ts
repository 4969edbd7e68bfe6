/** Workbooks and ZIP files built for the XLSX reader's tests, and the rows it reads back from them. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { type RawRow, readXlsxRows } from '../../../src/imports/xlsx-reader';
import { bufferSource, fileSource } from '../../../src/imports/zip';

const PUNCTUATION = '，。、（）·“”：；';

/** Deterministic Chinese text: CJK ideographs, CJK punctuation and a supplementary-plane character (4 UTF-8 bytes). */
export function chineseText(seed: number, length: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const pick = x % 100;
    if (pick < 90) s += String.fromCodePoint(0x4e00 + (x % (0x9fa5 - 0x4e00)));
    else if (pick < 96) s += PUNCTUATION.charAt(x % PUNCTUATION.length);
    else s += '𠮷';
  }
  return s;
}

/** Every row the reader yields for a workbook file. */
export async function rowsOf(path: string): Promise<RawRow[]> {
  const source = await fileSource(path);
  try {
    const rows: RawRow[] = [];
    for await (const row of readXlsxRows(source)) rows.push(row);
    return rows;
  } finally {
    await source.close();
  }
}

/** Writes `rows` rows of Chinese text (streamed, inline or shared strings) and returns what row i holds. */
export async function writeChineseWorkbook(path: string, rows: number, useSharedStrings: boolean): Promise<(i: number) => string[]> {
  const expected = (i: number): string[] => [`P${String(i % 997).padStart(4, '0')}`, chineseText(i * 7 + 1, 4 + (i % 29)), chineseText(i * 13 + 5, 1 + (i % 11))];
  const out = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings });
  const sheet = workbook.addWorksheet('居民问卷');
  sheet.addRow(['项目编号', '户号', '满意度']).commit();
  for (let i = 0; i < rows; i += 1) sheet.addRow(expected(i)).commit();
  sheet.commit();
  await workbook.commit();
  if (!out.writableFinished) await once(out, 'finish');
  return expected;
}

/** Every row the reader yields for a workbook held in memory. */
export async function readXlsxBytes(bytes: Buffer): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of readXlsxRows(bufferSource(bytes))) rows.push(row);
  return rows;
}

/** A minimal ZIP (deflated entries); `declared` overrides an entry's uncompressed size in the directory. */
export function zip(files: Record<string, string | Buffer>, declared: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const size = declared[name] ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
