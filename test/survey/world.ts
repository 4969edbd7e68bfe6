/**
 * A small city for the online survey's tests, set up through the CLI: two firms, three projects
 * on two streets (3, 2 and 4 households), the round 2025-H1 open, the survey's address set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import knexFactory, { type Knex } from 'knex';
import { makeUscc } from '../../src/domain/uscc';
import { submitSurveyAnswer } from '../../src/app/survey-answers';
import { databaseLimiter } from '../../src/db/login-throttle-store';
import { type Backend } from '../cli/backends';
import { hhbOk, keptDatabase } from '../cli/cli-harness';

export const uscc = (i: number): string => makeUscc(`9122028400002${String(i).padStart(3, '0')}0`);

export interface CityProject {
  code: string;
  name: string;
  street: string;
  firm: number;
  households: number;
}

export const PROJECTS: readonly CityProject[] = [
  { code: 'S1', name: '春晖苑', street: '东宁街道', firm: 1, households: 3 },
  { code: 'S2', name: '秋实园', street: '东宁街道', firm: 2, households: 2 },
  { code: 'S3', name: '=冬青里', street: '西岭街道', firm: 2, households: 4 },
];

export const BASE_URL = 'https://wuye.example.gov.cn/pj';

export const at = (isoLocal: string): Date => new Date(`${isoLocal}T10:00:00+08:00`);

/** Firms, projects, the round created and opened (base URL left to the caller). */
export async function setUpCity(db: string, dir: string, projects: readonly CityProject[] = PROJECTS): Promise<void> {
  writeFileSync(join(dir, 'firms.csv'), stringify([['统一社会信用代码', '企业名称'], [uscc(1), '甲物业公司'], [uscc(2), '乙物业公司']]));
  writeFileSync(
    join(dir, 'projects.csv'),
    stringify([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...projects.map((p) => [p.code, p.name, p.street, uscc(p.firm), String(p.households)])]),
  );
  const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir, now: at('2025-01-04') });
  await ok('firms', 'import', join(dir, 'firms.csv'));
  await ok('projects', 'import', join(dir, 'projects.csv'));
  await ok('rounds', 'create', '2025-H1');
  await ok('rounds', 'open', '2025-H1');
}

/** A knex on the test database for reading what was stored (the CLI's own for an embedded folder). */
export async function inspect(backend: Backend, db: string): Promise<{ knex: Knex; close: () => Promise<void> }> {
  if (backend === 'pglite') return { knex: (await keptDatabase(db)).knex, close: async () => {} };
  const knex = knexFactory({ client: 'pg', connection: db, pool: { min: 0, max: 1 } });
  return { knex, close: () => knex.destroy() };
}

/** The rows of a codes.csv as written for mail-merge (UTF-8 with a BOM, which must be there for Excel). */
export function readCodes(file: string): Record<string, string>[] {
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
}

/** How one household of codes.csv answers: when, what, from where (null: it does not answer). */
export interface PlannedAnswer {
  at: number;
  answers: Record<string, string>;
  address: string;
  comment?: string;
}

/**
 * Every household of `rows` (codes.csv) answers as `plan` says, in order, through the answering use
 * case with its wrong-code limiter, each at its own time; `n` counts the rows from 1.
 */
export async function answerEach(backend: Backend, db: string, rows: readonly Record<string, string>[], plan: (row: Record<string, string>, n: number) => PlannedAnswer | null): Promise<void> {
  const { knex, close } = await inspect(backend, db);
  try {
    const limiter = databaseLimiter(knex, { keyPrefix: 'survey_code', points: 10, duration: 900 });
    let n = 0;
    for (const row of rows) {
      n += 1;
      const answer = plan(row, n);
      if (answer === null) continue;
      const ctx = { knex, dbKind: backend, actor: 'public', now: () => new Date(answer.at) };
      await submitSurveyAnswer(ctx, limiter, { code: row['户码'] as string, answers: answer.answers, address: answer.address, comment: answer.comment });
    }
  } finally {
    await close();
  }
}
