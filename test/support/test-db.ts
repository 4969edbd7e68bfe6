/**
 * Databases for tests: PGlite in memory (an instance per test file, from a state built once, reused
 * by the next file of the worker: test/support/pglite-pool.ts) and, when
 * TEST_DATABASE_URL is set, a fresh PostgreSQL database per test file on that server, dropped after.
 *
 *   describe.each(backends())('%s', (kind) => {
 *     const t = useTestDb(kind);
 *     it('…', async () => { await t.knex('firms')… });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import { createDb, type Db, type DbKind } from '../../src/db/knex-factory';
import { filledTablesQuery, pooledPglite } from './pglite-pool';

/** An environment variable's value, null when it is unset or empty. */
function setting(name: string): string | null {
  const value = process.env[name];
  return value === undefined || value === '' ? null : value;
}

export function testDatabaseUrl(): string | null {
  return setting('TEST_DATABASE_URL');
}

/** 'pglite' always; 'postgres' too when TEST_DATABASE_URL is set. */
export function backends(): DbKind[] {
  return testDatabaseUrl() === null ? ['pglite'] : ['pglite', 'postgres'];
}

export interface TestDb extends Db {
  /** postgres: the connection URL of the fresh database (for child processes); pglite: null. */
  url: string | null;
}

async function newPglite(template: Blob | null, dataDir?: string): Promise<PGlite> {
  const instance = new PGlite({ ...(dataDir !== undefined ? { dataDir } : {}), ...(template ? { loadDataDir: template } : {}) });
  await instance.waitReady;
  return instance;
}

/** The database states test/support/global-setup.ts builds once per run (see there). */
export type Seeded = 'empty' | 'migrated' | 'city';

/** The variables the global setup sets: the file or database of each state on each backend, and what its build returned. */
export const templateEnv = (seed: Seeded, kind: DbKind): string => `HHB_TEST_${kind === 'pglite' ? 'PGLITE' : 'PG'}_${seed.toUpperCase()}`;
export const templateDataEnv = (seed: Seeded, kind: DbKind): string => `${templateEnv(seed, kind)}_DATA`;
export const templateFolderEnv = (seed: Seeded): string => `${templateEnv(seed, 'pglite')}_FOLDER`;

/**
 * The PGlite data directory of `seed` that the global setup dumped for this run, or null (a test run
 * without that setup, e.g. a single file through another runner): then the caller builds it itself.
 */
function pgliteTemplate(seed: Seeded): Blob | null {
  const file = setting(templateEnv(seed, 'pglite'));
  if (file === null) return null;
  if (!existsSync(file)) throw new Error(`the ${seed} template of this run is gone: ${file}`);
  return new Blob([readFileSync(file)]);
}

/** What building `seed` returned (the global setup keeps it as JSON), or null without the setup. */
export function seededData(seed: Seeded, kind: DbKind): unknown {
  const json = setting(templateDataEnv(seed, kind));
  return json === null ? null : (JSON.parse(json) as unknown);
}

/** The PostgreSQL template database of `seed` for this run, or null without the global setup. */
function postgresTemplate(seed: Seeded): string | null {
  return setting(templateEnv(seed, 'postgres'));
}

/**
 * An embedded database in a data folder, opened the way `hhb` opens it; a folder that does not exist
 * yet starts as a copy of the run's migrated data folder (half the time of writing the dump into a
 * new folder).
 */
export async function openPgliteFolder(dataDir: string): Promise<Db> {
  const folder = setting(templateFolderEnv('migrated'));
  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (fresh && folder !== null) cpSync(folder, dataDir, { recursive: true });
  return createDb({ kind: 'pglite', dataDir }, { pglite: await newPglite(null, dataDir), migrate: false });
}

export interface TestDbOptions {
  /** false: not migrated (initdb only, from the `empty` state on PGlite). */
  migrate?: boolean;
  /**
   * A state the global setup built to start from (`migrated` by default). Without the setup, the
   * database is migrated and the caller fills it (seededData returns null).
   */
  seed?: Seeded;
}

/**
 * The name of a database a test run makes for a while (a test file's own, a template being built):
 * `<prefix><when it was made, base 36>_<random>`, so that one a killed run left can be told by its
 * age (removeLeftOverDatabases).
 */
export const stampedName = (prefix: string, now = Date.now()): string => `${prefix}${now.toString(36)}_${randomBytes(5).toString('hex')}`;

/** When a database named by stampedName was made (ms), or null for another name. */
export function madeAt(name: string, prefix: string): number | null {
  if (!name.startsWith(prefix)) return null;
  const match = /^([0-9a-z]+)_[0-9a-f]+$/.exec(name.slice(prefix.length));
  return match ? parseInt(match[1] as string, 36) : null;
}

/** The prefix of a test file's own PostgreSQL databases. */
export const TEST_DATABASE_PREFIX = 'hhb_test_';

/**
 * A new database on the test server, a copy of `seed`'s template database (an empty one for
 * `empty`, or without the global setup), and how to drop it.
 */
export async function newPostgresDatabase(seed: Seeded): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testDatabaseUrl();
  if (serverUrl === null) throw new Error('TEST_DATABASE_URL is not set');
  const name = stampedName(TEST_DATABASE_PREFIX);
  const onServer = async (sql: string): Promise<void> => {
    const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(sql);
    } finally {
      await admin.destroy();
    }
  };
  const template = seed === 'empty' ? null : postgresTemplate(seed);
  await onServer(template !== null ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

/** Creates and migrates a test database; `close()` destroys it (drops the PostgreSQL database). */
export async function withTestDb(kind: DbKind, options: TestDbOptions = {}): Promise<TestDb> {
  const seed = options.migrate === false ? 'empty' : (options.seed ?? 'migrated');
  if (kind === 'pglite') {
    // An instance another file of this worker used, put back into the state, when there is one.
    const state = setting(templateEnv(seed, 'pglite'));
    const pglite = state === null ? await newPglite(null) : await pooledPglite(state, () => newPglite(pgliteTemplate(seed)));
    const db = await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true, migrate: options.migrate, pglite });
    return { ...db, url: null };
  }
  const { url, drop } = await newPostgresDatabase(seed);
  let db: Db;
  try {
    db = await createDb({ kind: 'postgres', url }, { migrate: options.migrate });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

/** Registers beforeAll/afterAll for one database per describe block (per file when used at top level). */
export function useTestDb(kind: DbKind, options: TestDbOptions = {}): { readonly knex: Knex; readonly db: TestDb } {
  let db: TestDb | null = null;
  beforeAll(async () => {
    db = await withTestDb(kind, options);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  const get = (): TestDb => {
    if (db === null) throw new Error('test database not ready (used outside a test?)');
    return db;
  };
  return {
    get knex() {
      return get().knex;
    },
    get db() {
      return get();
    },
  };
}

/**
 * Runs `work` in a transaction with triggers off (`session_replication_role = replica`, superuser on
 * both backends): only for tests that must tamper with rows the triggers protect.
 */
export async function withoutTriggers<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    await trx.raw('set local session_replication_role = replica');
    return work(trx);
  });
}

/**
 * Empties every table and restarts every sequence, keeping the schema: isolation between tests of
 * one file. The tables holding rows are emptied with DELETE, triggers off (foreign keys too, so in
 * any order): a few rows go in a millisecond, where a TRUNCATE makes new files for the table and
 * every table referring to it (40–80 ms).
 */
export async function truncateAll(knex: Knex): Promise<void> {
  const tables = (
    (await knex.raw(`select tablename from pg_tables where schemaname = current_schema() and tablename not like 'knex_migrations%' order by tablename`)).rows as { tablename: string }[]
  ).map((t) => t.tablename);
  if (tables.length === 0) return;
  const filled = ((await knex.raw(filledTablesQuery(tables))).rows as { name: string }[]).map((t) => t.name);
  await withoutTriggers(knex, async (trx) => {
    for (const table of filled) await trx.raw(`delete from "${table}"`);
    await trx.raw(
      `select setval(format('%I.%I', schemaname, sequencename), start_value, false) from pg_sequences where schemaname = current_schema() and sequencename not like 'knex\\_migrations%'`,
    );
  });
}
