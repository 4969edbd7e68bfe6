/**
 * The XLSX reader on large inputs: 100,000 rows of Chinese text written inline, 20,000 rows through
 * shared strings, and a 64 MB text node it must refuse without holding it in memory. Slow, so it runs
 * in the project `slow` (jest.config.js).
 */
import { statSync, writeFileSync } from 'node:fs';
import { type RawRow } from '../../../src/imports/xlsx-reader';
import { readBombs } from '../../support/read-bombs';
import { tempDir } from './helpers';
import { readXlsxBytes, rowsOf, writeChineseWorkbook, zip } from './xlsx-files';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readXlsxRows on large workbooks', () => {
  it('reads back every character of a 100,000-row workbook full of Chinese text unchanged', async () => {
    const path = tmp.path('chinese-100k.xlsx');
    const expected = await writeChineseWorkbook(path, 100_000, false);
    expect(statSync(path).size).toBeGreaterThan(1_000_000);
    const rows = await rowsOf(path);
    expect(rows).toHaveLength(100_001);
    expect(rows[0]).toEqual({ row: 1, cells: ['项目编号', '户号', '满意度'] });
    let replaced = 0;
    let different = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const row = rows[i + 1] as RawRow;
      if (row.row !== i + 2) different += 1;
      const want = expected(i);
      for (let c = 0; c < 3; c += 1) {
        if (row.cells[c] !== want[c]) different += 1;
        if ((row.cells[c] ?? '').includes('\uFFFD')) replaced += 1;
      }
    }
    expect(replaced).toBe(0);
    expect(different).toBe(0);
  }, 120_000);

  it('reads shared strings (as Excel writes them) without losing a character', async () => {
    const path = tmp.path('chinese-shared.xlsx');
    const expected = await writeChineseWorkbook(path, 20_000, true);
    const rows = await rowsOf(path);
    expect(rows).toHaveLength(20_001);
    const mismatches = rows.slice(1).filter((row, i) => JSON.stringify(row.cells) !== JSON.stringify(expected(i)));
    expect(mismatches).toEqual([]);
  }, 60_000);
});

describe('damaged XLSX files, large', () => {
  it('refuses a sheet whose one text node inflates to 64 MB, without buffering it', async () => {
    // 64 MB of one text node deflates to about 64 KB: the text-run cap (4 MB) stops it before saxes buffers it
    const chunk = Buffer.alloc(16 * 1024 * 1024, 0x41);
    const pieces = [Buffer.from('<worksheet><sheetData><row><c t="inlineStr"><is><t>'), ...Array.from({ length: 4 }, () => chunk)];
    const bomb = zip({
      'xl/workbook.xml': '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
      'xl/worksheets/sheet1.xml': Buffer.concat(pieces),
    });
    await expect(readXlsxBytes(bomb)).rejects.toThrow('text run over limit');
    // The memory, in a process of its own (a test worker shares its process with other test files).
    const path = tmp.path('text-node-64mb.xlsx');
    writeFileSync(path, bomb);
    const out = await readBombs('street-scores', [path]);
    expect(out.results.map((r) => r.code)).toEqual(['IMPORT_INVALID']);
    expect(out.peakGrowthBytes).toBeLessThan(200 * 1024 * 1024);
  });
});
