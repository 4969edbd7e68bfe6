/**
 * A small city for the fault tests, built through the use cases: 6 firms, `projects` projects over
 * 2 streets, and round 2025-H1 open with every source entered (so it can close and compute).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { AppContext } from '../../src/app/context';
import { importMasterData } from '../../src/app/import-master-data';
import { importRoundData } from '../../src/app/import-round-data';
import { createRound, openRound } from '../../src/app/rounds';
import { makeUscc } from '../../src/domain/uscc';

export const ROUND = '2025-H1';
export const FIRMS = 6;
export const uscc = (f: number): string => makeUscc(`9122010000000${String(f).padStart(3, '0')}1`);
export const projectCode = (p: number): string => `P${String(p).padStart(4, '0')}`;

export function contextOf(knex: Knex, dbKind: 'pglite' | 'postgres', actor = 'test'): AppContext {
  return { knex, dbKind, actor, now: () => new Date('2025-07-01T02:00:00Z') };
}

export function writeCsv(dir: string, name: string, rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

export async function buildCity(ctx: AppContext, dir: string, projects = 24): Promise<string[]> {
  const codes = Array.from({ length: projects }, (_, p) => projectCode(p));
  await importMasterData(ctx, 'streets', writeCsv(dir, 'streets.csv', [['街道编码', '街道名称'], ['S1', '东城街道'], ['S2', '西城街道']]));
  await importMasterData(ctx, 'firms', writeCsv(dir, 'firms.csv', [['统一社会信用代码', '企业名称'], ...Array.from({ length: FIRMS }, (_, f) => [uscc(f), `第${f + 1}物业公司`])]));
  await importMasterData(
    ctx,
    'projects',
    writeCsv(dir, 'projects.csv', [['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...codes.map((c, p) => [c, `${c}小区`, p % 2 ? 'S2' : 'S1', uscc(p % FIRMS), 200 + p])]),
  );
  await createRound(ctx, { code: ROUND });
  await openRound(ctx, ROUND);
  await importRoundData(ctx, ROUND, 'street', writeCsv(dir, 'street.csv', [['项目编号', '得分'], ...codes.map((c, p) => [c, 60 + ((p * 7) % 40)])]));
  await importRoundData(ctx, ROUND, 'resident-summary', writeCsv(dir, 'summary.csv', [['项目编号', '有效样本数', '平均分'], ...codes.map((c, p) => [c, 150, 55 + ((p * 11) % 45)])]));
  await importRoundData(ctx, ROUND, 'regulator', writeCsv(dir, 'regulator.csv', [['统一社会信用代码', '部门', '得分'], ...Array.from({ length: FIRMS }, (_, f) => [uscc(f), '市城管执法局', 70 + f * 4])]));
  return codes;
}
