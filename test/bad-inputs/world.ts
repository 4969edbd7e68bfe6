/**
 * The corpus's small city, built through the CLI, and a checksum of every table of the database
 * (md5 of all its rows as text, in a fixed order) to show that a refused input wrote nothing.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { hhbOk } from '../cli/cli-harness';
import { WORLD, commandFor, csvText } from './corpus';

export async function buildWorld(db: string, dir: string): Promise<void> {
  const ok = async (...args: string[]): Promise<void> => {
    await hhbOk(args, { db, cwd: dir });
  };
  const file = (name: string, rows: string[][]): string => {
    const path = join(dir, name);
    writeFileSync(path, csvText(rows));
    return path;
  };
  const [F1, F2, F3] = WORLD.firms as [string, string, string];
  await ok('streets', 'import', file('w-streets.csv', [['街道编码', '街道名称', '区县'], ...WORLD.streets]));
  await ok('firms', 'import', file('w-firms.csv', [['统一社会信用代码', '企业名称'], [F1, '恒安物业'], [F2, '润泽物业'], [F3, '金盾物业']]));
  await ok(
    'projects',
    'import',
    file('w-projects.csv', [['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...WORLD.projects.map(([code, street, f]) => [code, `${code}小区`, street, WORLD.firms[f] as string, '300'])]),
  );
  await ok('rounds', 'create', WORLD.closedRound);
  await ok('rounds', 'open', WORLD.closedRound);
  await ok('rounds', 'close', WORLD.closedRound);
  await ok('rounds', 'create', WORLD.round);
  await ok('rounds', 'open', WORLD.round);
  await ok(...commandFor('street', file('w-street.csv', [['项目编号', '得分'], ['P001', '88'], ['P004', '72.5']])));
  await ok(...commandFor('resident', file('w-resident.csv', [['项目编号', '户号', '得分'], ['P001', '1-1', '90'], ['P001', '1-2', '80'], ['P004', '2-1', '60']])));
  await ok(...commandFor('regulator', file('w-regulator.csv', [['统一社会信用代码', '部门', '得分'], [F1, '市城管执法局', '85']])));
  await ok(...commandFor('events', file('w-events.csv', [['统一社会信用代码', '日期', '类型', '一票否决'], [F3, '2025-02-01', '未按规定公示收费', '否']])));
}

/** The checksum functions made in each database, by the list of tables they cover. */
const made = new WeakMap<Knex, Set<string>>();

/**
 * Table name → md5 of its rows (as text, sorted). The one statement over every table is kept in a
 * PL/pgSQL function made once per database and list of tables, so that each connection plans it
 * once: the corpus takes a checksum after each of hundreds of cases.
 */
export async function tableChecksums(knex: Knex): Promise<Record<string, string>> {
  const tables = ((await knex.raw(`select tablename from pg_tables where schemaname = current_schema() order by tablename`)).rows as { tablename: string }[]).map((r) => r.tablename);
  if (tables.length === 0) return {};
  const name = `hhb_test_checksums_${createHash('sha256').update(tables.join(',')).digest('hex').slice(0, 12)}`;
  const known = made.get(knex) ?? new Set<string>();
  made.set(knex, known);
  if (!known.has(name)) {
    const query = tables
      .map((t) => `select '${t}'::text, (select count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') from "${t}" r)`)
      .join(' union all ');
    await knex.raw(`create or replace function ${name}() returns table(name text, sum text) language plpgsql as $fn$ begin return query ${query}; end $fn$`);
    known.add(name);
  }
  const rows = (await knex.raw(`select name, sum from ${name}()`)).rows as { name: string; sum: string }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}
