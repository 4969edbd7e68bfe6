/**
 * Streets by code or name (SPEC §7): `hhb template --street` and `hhb users add --street` take
 * either; a projects file may name its street by either; once streets are registered, an unknown
 * street is a row error naming the nearest registered streets and nothing is written, unless
 * `--new-streets`, and then the import says which streets it created.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { editDistance, nearestNames } from '../../src/domain/nearest-names';
import { hhb, hhbOk, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const uscc = (i: number): string => makeUscc(`91220100MB${String(i).padStart(7, '0')}`);
const csv = (rows: (string | number)[][]): string => stringify(rows);

describe('nearest names', () => {
  it('counts a Chinese character as one edit', () => {
    expect(editDistance('东宁街道', '东林街道')).toBe(1);
    expect(editDistance('东宁街道', '东宁街道')).toBe(0);
    expect(editDistance('', '福安街道')).toBe(4);
  });
  it('puts the one-character typo first', () => {
    expect(nearestNames('东林街道', ['福安街道', '河北街道', '东宁街道', '新城街道'])[0]).toBe('东宁街道');
    expect(nearestNames('福安', ['福安街道', '河北街道', '东宁街道'], 1)).toEqual(['福安街道']);
  });
});

describe.each(backends())('streets by code or name on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  const run = (...args: string[]) => hhb(args, { db, cwd: dir });
  const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir });
  const projectCount = async (): Promise<number> => {
    const r = await ok('audit', 'log', '--json', '--limit', '1000');
    return (JSON.parse(r.stdout) as { action: string }[]).filter((a) => a.action === 'projects.import').length;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-streets-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    writeFileSync(join(dir, 'streets.csv'), csv([['街道编码', '街道名称'], ['DN01', '东宁街道'], ['FA02', '福安街道'], ['HB03', '河北街道']]));
    writeFileSync(join(dir, 'firms.csv'), csv([['统一社会信用代码', '企业名称'], [uscc(1), '甲物业公司'], [uscc(2), '乙物业公司']]));
    writeFileSync(
      join(dir, 'projects.csv'),
      csv([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ['P1', '幸福花园', '东宁街道', uscc(1), 300], ['P2', '阳光家园', 'FA02', uscc(2), 200], ['P3', '翠湖雅苑', 'DN01', uscc(2), 100]]),
    );
    await ok('streets', 'import', 'streets.csv');
    await ok('firms', 'import', 'firms.csv');
    await ok('projects', 'import', 'projects.csv');
    await ok('rounds', 'create', '2025-H1');
    await ok('rounds', 'open', '2025-H1');
  }, 120_000);

  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a street template for a street named by its name, the same as by its code', async () => {
    for (const street of ['东宁街道', 'DN01']) {
      const out = join(dir, `${street}.xlsx`);
      const r = await run('template', '--kind', 'street-scores', '--round', '2025-H1', '--street', street, '--out', out);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out);
      const codes: string[] = [];
      book.worksheets[0]?.eachRow((row, n) => {
        if (n > 1) codes.push(String(row.getCell(1).value));
      });
      expect(codes.filter((c) => /^P\d$/.test(c)).sort()).toEqual(['P1', 'P3']);
    }
  });

  it('refuses an unknown street for a template with the nearest names, and writes no file', async () => {
    const out = join(dir, 'none.xlsx');
    const r = await run('template', '--kind', 'street-scores', '--round', '2025-H1', '--street', '东林街道', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('「东林街道」');
    expect(r.stderr).toContain('最接近的已登记街道：东宁街道（DN01）');
    expect(existsSync(out)).toBe(false);
  });

  it('adds a street account named by the street name and keeps its code', async () => {
    const r = await run('users', 'add', '福安科员', '--role', 'street', '--street', '福安街道');
    expect(r.code).toBe(0);
    const list = JSON.parse((await ok('users', 'list', '--json')).stdout) as { users: { name: string; street: string | null }[] };
    expect(list.users.find((u) => u.name === '福安科员')?.street).toBe('FA02');
    const bad = await run('users', 'add', '某科员', '--role', 'street', '--street', '河比街道');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('河北街道（HB03）');
  });

  it('refuses a projects file with a mistyped street: row error with the nearest names, nothing written', async () => {
    const before = await projectCount();
    writeFileSync(
      join(dir, 'typo.csv'),
      csv([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ['P4', '锦江名都', '东宁街道', uscc(1), 150], ['P5', '北山新村', '福按街道', uscc(1), 120]]),
    );
    const r = await run('projects', 'import', 'typo.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('第 3 行');
    expect(r.stderr).toContain('未登记的街道「福按街道」');
    expect(r.stderr).toContain('福安街道（FA02）');
    expect(r.stderr).toContain('--new-streets');
    expect(await projectCount()).toBe(before);
    const template = await run('template', '--kind', 'street-scores', '--round', '2025-H1', '--street', '东宁街道', '--out', join(dir, 'after.xlsx'));
    expect(template.stdout).toContain('预填 2 行');
  });

  it('creates the new street with --new-streets and says which', async () => {
    writeFileSync(join(dir, 'new.csv'), csv([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ['P6', '南湖公寓', '新城街道', uscc(2), 180]]));
    const r = await run('projects', 'import', 'new.csv', '--new-streets');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('新建街道 1 个：新城街道');
    const template = await run('template', '--kind', 'street-scores', '--round', '2025-H1', '--street', '新城街道', '--out', join(dir, 'new.xlsx'));
    expect(template.code).toBe(0);
    expect(template.stdout).toContain('预填 1 行');
  });
});
