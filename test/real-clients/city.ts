/**
 * The small city the real-client fixtures (test/fixtures/real-clients) refer to, built through the
 * use cases: one street, three firms (the third with an all-digit USCC), three projects, round
 * 2025-H1 open.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { AppContext } from '../../src/app/context';
import { importMasterData } from '../../src/app/import-master-data';
import { createRound, openRound } from '../../src/app/rounds';

export const ROUND = '2025-H1';
export const A = '91350100M000100Y43';
export const B = '91440300708461136T';
export const C = '914403001922038216';
export const HOUSEHOLDS = { P001: 300, P002: 200, P003: 150 } as const;

export const FIXTURES = join(__dirname, '..', 'fixtures', 'real-clients');
export const fixture = (name: string): string => join(FIXTURES, name);

export function contextOf(knex: Knex, dbKind: 'pglite' | 'postgres'): AppContext {
  return { knex, dbKind, actor: 'clerk', now: () => new Date('2025-07-02T02:00:00Z') };
}

/** The folder the CSVs of this test file go to (made on first use, removed by removeWrittenCsvs). */
let csvFolder: string | null = null;

/** A CSV (UTF-8) in a folder of its own. */
export function writeCsv(name: string, rows: (string | number)[][]): string {
  csvFolder ??= mkdtempSync(join(tmpdir(), 'hhb-real-clients-'));
  const path = join(mkdtempSync(join(csvFolder, 'csv-')), name);
  writeFileSync(path, `${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

/** Removes the CSVs writeCsv wrote (for the file's afterAll). */
export function removeWrittenCsvs(): void {
  if (csvFolder !== null) rmSync(csvFolder, { recursive: true, force: true });
  csvFolder = null;
}

export async function buildCity(ctx: AppContext): Promise<void> {
  await importMasterData(ctx, 'streets', writeCsv('streets.csv', [['街道编码', '街道名称'], ['S1', '东城街道']]));
  await importMasterData(
    ctx,
    'firms',
    writeCsv('firms.csv', [['统一社会信用代码', '企业名称'], [A, '闽福物业服务有限公司'], [B, '鹏城物业管理有限公司'], [C, '瑞祥物业管理有限公司']]),
  );
  await importMasterData(
    ctx,
    'projects',
    writeCsv('projects.csv', [
      ['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'],
      ['P001', '幸福家园', 'S1', A, HOUSEHOLDS.P001],
      ['P002', '锦绣花园', 'S1', B, HOUSEHOLDS.P002],
      ['P003', '瑞祥苑', 'S1', C, HOUSEHOLDS.P003],
    ]),
  );
  await createRound(ctx, { code: ROUND });
  await openRound(ctx, ROUND);
}
