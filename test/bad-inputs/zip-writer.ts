/**
 * A minimal ZIP writer for the corpus: hand-made XLSX containers (a part per entry, stored or
 * deflated), and zip bombs whose inflated size is a gigabyte while the file is a few kilobytes.
 */
import { crc32, deflateRawSync, constants } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** The inflated bytes; omit with `bomb`. */
  data?: Buffer;
  /** A part made of `unit` repeated `times` times, deflated without ever holding it whole. */
  bomb?: { head?: Buffer; unit: Buffer; times: number; tail?: Buffer };
  /** Overrides the uncompressed size written in the headers (a lying archive). */
  declaredSize?: number;
}

function deflated(part: ZipPart): { body: Buffer; crc: number; size: number } {
  if (part.data) return { body: deflateRawSync(part.data, { level: 9 }), crc: crc32(part.data), size: part.data.length };
  const { head = Buffer.alloc(0), unit, times, tail = Buffer.alloc(0) } = part.bomb as NonNullable<ZipPart['bomb']>;
  // Each unit compressed from a reset state (full flush) gives the same bytes: repeat them, then the
  // tail as the final block.
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH };
  const block = deflateRawSync(unit, flush);
  let crc = crc32(head);
  for (let i = 0; i < times; i += 1) crc = crc32(unit, crc);
  crc = crc32(tail, crc);
  const body = Buffer.concat([deflateRawSync(head, flush), ...Array.from({ length: times }, () => block), deflateRawSync(tail, { level: 9 })]);
  return { body, crc, size: head.length + unit.length * times + tail.length };
}

export function writeZip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const { body, crc, size } = deflated(part);
    const declared = Math.min(part.declaredSize ?? size, 0xfffffffe);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

export const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
export const SHEET_TAIL = '</sheetData></worksheet>';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Sheet XML of inline-string rows. */
export function sheetXml(rows: string[][]): string {
  return `${SHEET_HEAD}${rows
    .map((cells, r) => `<row r="${r + 1}">${cells.map((c) => `<c t="inlineStr"><is><t xml:space="preserve">${escapeXml(c)}</t></is></c>`).join('')}</row>`)
    .join('')}${SHEET_TAIL}`;
}

/** An XLSX container around the given sheet part (and any extra or replacing parts). */
export function xlsxWith(sheet: Omit<ZipPart, 'name'>, options: { omit?: string[]; extra?: ZipPart[] } = {}): Buffer {
  const parts: ZipPart[] = [
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
    { name: 'xl/worksheets/sheet1.xml', ...sheet },
    ...(options.extra ?? []),
  ];
  return writeZip(parts.filter((p) => !(options.omit ?? []).includes(p.name)));
}
