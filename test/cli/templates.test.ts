/** A street clerk's template: downloaded for one street's projects, filled in, and imported as is. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { hhb, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

const A = makeUscc('91220284000030010');

describe('entry templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-tpl-'));
  const db = join(dir, 'db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hhb(args, { db, cwd: dir });

  it('pre-fills one street’s projects and imports the filled-in file', async () => {
    writeFileSync(join(dir, 'firms.csv'), stringify([['uscc', 'name'], [A, '甲物业']]));
    writeFileSync(
      join(dir, 'projects.csv'),
      stringify([['code', 'name', 'street', 'firm_uscc', 'households'], ['P1', '东宁一号院', '东宁街道', A, '100'], ['P2', '福安花园', '福安街道', A, '100'], ['P3', '东宁二号院', '东宁街道', A, '50']]),
    );
    await run('firms', 'import', join(dir, 'firms.csv'));
    await run('projects', 'import', join(dir, 'projects.csv'));
    await run('rounds', 'create', '2025-H1');
    await run('rounds', 'open', '2025-H1');

    const made = await run('template', '--kind', 'street-scores', '--round', '2025-H1', '--street', '东宁街道', '--out', 'street.xlsx');
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain('预填 2 行');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'street.xlsx'));
    const ws = book.worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.getRow(1).getCell(1).value).toBe('项目编号');
    expect([ws.getRow(2).getCell(1).value, ws.getRow(3).getCell(1).value]).toEqual(['P1', 'P3']);
    ws.getRow(2).getCell(3).value = 88.5;
    ws.getRow(3).getCell(3).value = 90;
    await book.xlsx.writeFile(join(dir, 'street-filled.xlsx'));

    const imported = await run('scores', 'import', '2025-H1', '--source', 'street', join(dir, 'street-filled.xlsx'));
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('街道评分 2 行');
    const close = JSON.parse((await run('rounds', 'close', '2025-H1', '--json')).stdout);
    expect(close.detail.projectsWithoutStreetScore.map((p: { code: string }) => p.code)).toEqual(['P2']);
  }, 60_000);

  it('asks for a round when the template is pre-filled by round', async () => {
    const r = await run('template', '--kind', 'street-scores', '--out', 'x.xlsx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('请指定评价周期');
  });
});
