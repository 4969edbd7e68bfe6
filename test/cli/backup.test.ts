/**
 * `hhb db backup`, `hhb db restore` and `hhb db copy` on the sample city as `hhb demo --year 2024
 * --no-reports` leaves it (three rounds published, certificates, follow-up, an audit chain; copied
 * from test/support/demo-database.ts): what comes back is the same database — every
 * round's results identical, the audit chain whole, published rounds still immutable — on the
 * embedded database and, when TEST_DATABASE_URL is set, on PostgreSQL. A damaged file, a database
 * that is not empty, and a copy cut off halfway write nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { appliedMigrations, copyDatabase, nonEmptyTables, restoreBackup, writeBackup } from '../../src/db/backup';
import { createDb } from '../../src/db/knex-factory';
import { knownMigrations, migrateLatest, migrateUpTo } from '../../src/db/migrate';
import { demoDatabase } from '../support/demo-database';
import { withTestDb } from '../support/test-db';
import { testDatabase } from './backends';
import { hhb, hhbOk, keptDatabase, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

const ROUNDS = ['2024-H1', '2024-H2', '2024-Y'];
const pg = process.env.TEST_DATABASE_URL ? it : it.skip;

describe('backup, restore and copy of a whole database', () => {
  let dir: string;
  let source: string;
  const drops: (() => Promise<void>)[] = [];
  const ok = (db: string, ...args: string[]) => hhbOk(args, { db, cwd: dir });
  const run = (db: string, ...args: string[]) => hhb(args, { db, cwd: dir });
  const results = async (db: string): Promise<string[]> => Promise.all(ROUNDS.map(async (r) => (await ok(db, 'results', r, '--json')).stdout));
  let expected: string[];

  /** A fresh, migrated, empty database of the backend (a data folder, or a new PostgreSQL database). */
  async function fresh(backend: 'pglite' | 'postgres', name: string): Promise<string> {
    if (backend === 'pglite') return join(dir, name);
    const made = await testDatabase('postgres', dir);
    drops.push(made.drop);
    return made.url;
  }

  /** The knex of a database this file's `hhb` runs use. */
  async function knexOf(db: string): Promise<{ knex: Knex; close(): Promise<void> }> {
    if (!db.startsWith('postgres')) return { knex: (await keptDatabase(db)).knex, close: async () => {} };
    const opened = await createDb({ kind: 'postgres', url: db }, { migrate: false });
    return { knex: opened.knex, close: opened.close };
  }

  /** The restored or copied database is the source again. */
  async function expectSameDatabase(db: string): Promise<void> {
    expect(await results(db)).toEqual(expected);
    expect((await ok(db, 'audit', 'verify')).stdout).toMatch(/审计日志完整/);
    const { knex, close } = await knexOf(db);
    try {
      await expect(knex.raw(`update rounds set status = 'draft' where code = '2024-H1'`)).rejects.toThrow(/ROUND_IMMUTABLE/);
      await expect(knex.raw(`delete from results where computation_id in (select id from computations)`)).rejects.toThrow(/ROUND_IMMUTABLE/);
      // Serial ids continue past the restored rows: a new row takes the next id, and the chain goes on.
      const maxFirm = Number((await knex.raw('select max(id) as m from firms')).rows[0].m);
      const next = Number((await knex.raw(`select nextval(pg_get_serial_sequence('firms', 'id')) as n`)).rows[0].n);
      expect(next).toBeGreaterThan(maxFirm);
    } finally {
      await close();
    }
  }

  async function expectEmpty(db: string): Promise<void> {
    const { knex, close } = await knexOf(db);
    try {
      expect(await nonEmptyTables(knex)).toEqual([]);
    } finally {
      await close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-backup-'));
    source = join(dir, 'city');
    const demo = await demoDatabase(source, 2024);
    expect(demo.stdout).toContain('未生成（--no-reports）');
    expected = await results(source);
    await ok(source, 'db', 'backup', 'city.hhb');
  }, 600_000);

  afterAll(async () => {
    for (const drop of drops) await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a backup of the embedded database into an empty one: same results, audit chain whole, published rounds immutable', async () => {
    const target = await fresh('pglite', 'restored');
    const r = await ok(target, 'db', 'restore', 'city.hhb');
    expect(r.stdout).toMatch(/已从 city\.hhb 恢复：\d+ 张表，\d+ 行/);
    expect(r.stdout).toMatch(/审计日志校验通过/);
    await expectSameDatabase(target);
  }, 300_000);

  it('refuses to restore into a database that holds data, and changes nothing there', async () => {
    const before = await results(source);
    const r = await run(source, 'db', 'restore', 'city.hhb');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/目标数据库不是空的：表 .*已有数据/);
    expect(await results(source)).toEqual(before);
  }, 300_000);

  it('refuses a truncated file, a file with a flipped byte and a file whose rows were altered, writing nothing', async () => {
    const whole = readFileSync(join(dir, 'city.hhb'));
    writeFileSync(join(dir, 'truncated.hhb'), whole.subarray(0, Math.floor(whole.length / 2)));
    const flipped = Buffer.from(whole);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] as number) ^ 0xff;
    writeFileSync(join(dir, 'flipped.hhb'), flipped);
    // A valid gzip whose text was changed: one survey score altered (only the checksum can tell).
    const text = gunzipSync(whole).toString('utf8');
    const altered = text.replace(/^(\d+\t\d+\t[^\t\n]+\t)(\d+)\t/m, (_m, head: string, score: string) => `${head}${score === '8000' ? '6000' : '8000'}\t`);
    expect(altered).not.toBe(text);
    writeFileSync(join(dir, 'altered.hhb'), gzipSync(Buffer.from(altered, 'utf8')));
    writeFileSync(join(dir, 'not-a-backup.hhb'), gzipSync(Buffer.from('项目编号,得分\nP1,95\n', 'utf8')));

    const target = await fresh('pglite', 'untouched');
    for (const [file, message] of [
      ['truncated.hhb', /已损坏或不完整：.*未写入任何数据/],
      ['flipped.hhb', /已损坏或不完整：.*未写入任何数据/],
      ['altered.hhb', /已损坏或不完整：校验和不符/],
      ['not-a-backup.hhb', /不是 hhb 备份文件/],
    ] as const) {
      const r = await run(target, 'db', 'restore', file);
      expect({ file, code: r.code }).toEqual({ file, code: 2 });
      expect(r.stderr).toMatch(message);
      await expectEmpty(target);
    }
  }, 300_000);

  it('refuses a whole, well-formed file taken at a migration this program does not know, writing nothing', async () => {
    const lines = gunzipSync(readFileSync(join(dir, 'city.hhb'))).toString('utf8').split('\n');
    const header = JSON.parse(lines[0] as string) as { migrations: string[] };
    header.migrations.push('20991231000000_from_a_newer_hhb');
    lines[0] = JSON.stringify(header);
    const body = `${lines.slice(0, -2).join('\n')}\n`; // without the old trailer (and the final empty line)
    const sha = createHash('sha256').update(body, 'utf8').digest('hex');
    writeFileSync(join(dir, 'newer.hhb'), gzipSync(Buffer.from(`${body}@end ${sha}\n`, 'utf8')));
    const target = await fresh('pglite', 'not-newer');
    const r = await run(target, 'db', 'restore', 'newer.hhb');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/本程序不认识的迁移 20991231000000_from_a_newer_hhb/);
    await expectEmpty(target);
  }, 300_000);

  it('restores a backup taken at an earlier schema into a database never migrated, then migrates it; refuses it into one migrated further', async () => {
    const earlier = knownMigrations().slice(0, 1);
    const old = await withTestDb('pglite', { migrate: false });
    const bare = await withTestDb('pglite', { migrate: false });
    const latest = await withTestDb('pglite');
    try {
      await migrateUpTo(old.knex, earlier);
      await old.knex('firms').insert({ uscc: '91110000000000001X', name: '旧版本物业公司' });
      const file = join(dir, 'earlier.hhb');
      await writeBackup(old.knex, file, { createdAt: new Date(0).toISOString() });

      await expect(restoreBackup(latest.knex, file, { actor: 'test' })).rejects.toThrow(/目标数据库已执行 \d+ 个迁移，备份文件只到 1 个/);
      expect(await nonEmptyTables(latest.knex)).toEqual([]);

      const restored = await restoreBackup(bare.knex, file, { actor: 'test' });
      expect(restored.migrations).toBe(1);
      expect(await appliedMigrations(bare.knex)).toEqual(earlier);
      await migrateLatest(bare.knex);
      expect(await appliedMigrations(bare.knex)).toEqual(knownMigrations());
      expect(await bare.knex('firms').pluck('name')).toEqual(['旧版本物业公司']);
    } finally {
      await Promise.all([old.close(), bare.close(), latest.close()]);
    }
  }, 300_000);

  pg('copies the embedded database to PostgreSQL, backs that up and restores it on both backends', async () => {
    const copied = await fresh('postgres', 'copied');
    const c = await ok(source, 'db', 'copy', '--to', copied);
    expect(c.stdout).toMatch(/已复制到 PostgreSQL .*：\d+ 张表，\d+ 行/);
    await expectSameDatabase(copied);

    await ok(copied, 'db', 'backup', 'from-postgres.hhb');
    const onPostgres = await fresh('postgres', 'restored-pg');
    await ok(onPostgres, 'db', 'restore', 'from-postgres.hhb');
    await expectSameDatabase(onPostgres);
    const embedded = await fresh('pglite', 'restored-from-pg');
    await ok(embedded, 'db', 'restore', 'from-postgres.hhb');
    await expectSameDatabase(embedded);

    // PostgreSQL to PostgreSQL, stopped in the middle of the source's COPY: the target stays empty
    // and both connections go on working.
    const from = await createDb({ kind: 'postgres', url: copied }, { migrate: false });
    const to = await withTestDb('postgres');
    try {
      await expect(copyDatabase(from.knex, to.knex, { actor: 'test', createdAt: new Date(0).toISOString(), failAfterRows: 5000 })).rejects.toThrow(/stopped on purpose/);
      expect(await nonEmptyTables(to.knex)).toEqual([]);
      const again = await copyDatabase(from.knex, to.knex, { actor: 'test', createdAt: new Date(0).toISOString() });
      expect(again.rows).toBeGreaterThan(5000);
    } finally {
      await to.close();
      await from.close();
    }
  }, 300_000);

  it.each(process.env.TEST_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const))(
    'leaves the %s target empty when a copy stops halfway',
    async (backend) => {
      const target = await withTestDb(backend);
      try {
        const from = await keptDatabase(source);
        await expect(copyDatabase(from.knex, target.knex, { actor: 'test', createdAt: new Date(0).toISOString(), failAfterRows: 5000 })).rejects.toThrow(
          /stopped on purpose after \d+ rows/,
        );
        expect(await nonEmptyTables(target.knex)).toEqual([]);
        // And the same copy, not stopped, then goes through on that target.
        const done = await copyDatabase(from.knex, target.knex, { actor: 'test', createdAt: new Date(0).toISOString() });
        expect(done.rows).toBeGreaterThan(5000);
        expect(await nonEmptyTables(target.knex)).not.toEqual([]);
      } finally {
        await target.close();
      }
    },
    300_000,
  );
});
