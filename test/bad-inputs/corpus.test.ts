/**
 * Every bad input of the corpus through the `hhb` CLI (in this process) against a small city, on
 * the embedded database and on PostgreSQL when TEST_DATABASE_URL is set — a Chinese message, exit
 * code 2 (3 where the workflow refuses), the process still serving, and every table byte for byte as
 * before. The file-reading half of it (no database) runs in the first describe.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { readImport, type ImportKind } from '../../src/imports';
import { hhb, keptDatabase, closeCliDatabases } from '../cli/cli-harness';
import { backends, testDatabase } from '../cli/backends';
import { type BadCase, TARGETS, VALID, WORLD, csvText, writeCorpus, type ImportTarget } from './corpus';
import { buildWorld, tableChecksums } from './world';
import { sheetXml, xlsxWith } from './zip-writer';
import { writtenOnce } from '../support/files';
import { readBombs } from '../support/read-bombs';
import { writeFileSync } from 'node:fs';

afterAll(closeCliDatabases);

const CHINESE = /[\u4e00-\u9fff]/;

const KIND_OF: Record<ImportTarget, ImportKind> = {
  streets: 'streets',
  firms: 'firms',
  projects: 'projects',
  street: 'street-scores',
  regulator: 'regulator-scores',
  deductions: 'deductions',
  resident: 'survey-responses',
  'resident-summary': 'survey-summary',
  events: 'events',
  complaints: 'complaints',
};

/** The corpus files, written once for the whole file (every describe reads the same inputs). */
const written = writtenOnce('hhb-bad-corpus-', writeCorpus);
const corpusDir = written.dir;
const corpus = (): Promise<BadCase[]> => written.ready();

describe('the bad-input corpus', () => {
  let dir: string;
  let cases: BadCase[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-bad-'));
    cases = await corpus();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds at least 200 inputs with distinct ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('bends valid files: each base file, as CSV and as our hand-made XLSX, reads without a problem', async () => {
    for (const t of TARGETS) {
      const csv = join(dir, `valid-${t}.csv`);
      writeFileSync(csv, csvText(VALID[t]));
      const xlsx = join(dir, `valid-${t}.xlsx`);
      writeFileSync(xlsx, xlsxWith({ data: Buffer.from(sheetXml(VALID[t])) }));
      for (const path of [csv, xlsx]) expect((await readImport(KIND_OF[t], path)).rows).toHaveLength(VALID[t].length - 1);
    }
  });

  // How fast each bomb is refused is measured by bench/bombs.ts, not timed here. The memory is
  // measured in a process of its own: a test worker shares its process with other test files.
  it('refuses the zip bombs in bounded memory while reading', async () => {
    const bombs = ['bomb-text.xlsx', 'bomb-space.xlsx', 'bomb-rows.xlsx', 'bomb-cells.xlsx', 'bomb-lying.xlsx', 'bomb-4gb.xlsx'];
    await corpus();
    const out = await readBombs('street-scores', bombs.map((name) => join(corpusDir, name)));
    expect(out.results.map((r) => r.code)).toEqual(bombs.map(() => 'IMPORT_INVALID'));
    expect(out.peakGrowthBytes).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);
});

describe.each(backends())('every bad input through the CLI on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  let knex: Knex;
  let cases: BadCase[] = [];
  let baseline: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-bad-cli-'));
    cases = await corpus();
    ({ url: db, drop } = await testDatabase(backend, dir));
    await buildWorld(db, dir);
    // The embedded folder is the one the CLI runs keep open; PostgreSQL gets a connection of its own.
    knex = backend === 'pglite' ? (await keptDatabase(db)).knex : knexFactory({ client: 'pg', connection: db, pool: { min: 0, max: 1 } });
    baseline = await tableChecksums(knex);
  }, 180_000);

  afterAll(async () => {
    if (backend === 'postgres') await knex?.destroy();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses each one with a Chinese message and its exit code, and writes nothing', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(baseline)).toEqual(expect.arrayContaining(['firms', 'projects', 'street_scores', 'survey_responses', 'audit_log', 'imports']));
    const failures: string[] = [];
    for (const c of cases) {
      const r = await hhb(c.args, { db, cwd: dir });
      const problems: string[] = [];
      if (r.code !== c.exit) problems.push(`exit ${r.code}, expected ${c.exit}`);
      if (!CHINESE.test(r.stderr) || !r.stderr.startsWith('错误：')) problems.push('no Chinese error');
      if (r.stderr.includes('意外错误')) problems.push('unexpected error');
      if (!c.message.test(r.stderr)) problems.push(`message does not match ${String(c.message)}`);
      const after = await tableChecksums(knex);
      const changed = Object.keys(baseline).filter((t) => after[t] !== baseline[t]);
      if (changed.length) {
        problems.push(`tables changed: ${changed.join(', ')}`);
        baseline = after;
      }
      if (problems.length) failures.push(`${c.id} (${c.what}): ${problems.join('; ')}\n    ${r.stderr.slice(0, 300).replace(/\n/g, '\n    ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('still serves afterwards: a good file imports', async () => {
    const good = join(dir, 'good-street.csv');
    writeFileSync(good, csvText([['项目编号', '得分'], ['P002', '77']]));
    const r = await hhb(['scores', 'import', WORLD.round, '--source', 'street', good], { db, cwd: dir });
    expect(r).toMatchObject({ code: 0 });
    const [row] = await knex('street_scores').whereNull('superseded_at').count<{ n: string | number }[]>('* as n');
    expect(Number(row?.n)).toBe(3);
  });
});
