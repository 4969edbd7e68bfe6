/**
 * Builds, once, the database states test files start from, each as a PGlite data directory dumped
 * to a file and (when TEST_DATABASE_URL is set) a PostgreSQL template database:
 * - `empty`: PGlite's initdb alone, no migration (`withTestDb(kind, { migrate: false })`);
 * - `migrated`: every migration run, no data (test/support/test-db.ts `withTestDb`);
 * - `city`: the small city of the HTTP and browser tests on top (test/http/city.ts `useCityDb`).
 * Test files then copy one of them instead of running initdb, the migrations and the city's use cases
 * again (test-db.ts reads the variables set here).
 *
 * Each is kept between runs under a name carrying a hash of what it depends on (the migrations and
 * the PGlite build; for the city, the program and the test code that builds it), so a run after an
 * unchanged program starts at once, and a change makes a new one; one no run has used for an hour
 * is removed. Each is made under a temporary name and renamed when complete, so a killed or
 * concurrent run never sees half of one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import { type DbKind, createDb } from '../../src/db/knex-factory';
import { buildCity } from '../http/city';
import { filesHash, filesUnder } from './files';
import { type Seeded, TEST_DATABASE_PREFIX, madeAt, stampedName, templateDataEnv, templateEnv, templateFolderEnv, testDatabaseUrl } from './test-db';

/** A database state built once from the one before: its name, the files it depends on, and what puts its data in. */
interface Seed {
  name: Seeded;
  files: () => string[];
  /** Runs the migrations (on the state before). */
  migrates?: true;
  /** Also kept as a PGlite data folder, for the data folders `hhb` opens in the tests (copied, not untarred). */
  folder?: true;
  /** Fills the database and returns what the tests need to know of it (kept as JSON). */
  build?: (knex: Knex, kind: DbKind) => Promise<unknown>;
}

/** PGlite's initdb alone (2–4 s of a new instance), for the tests of migrations and of old backups. */
const EMPTY: Seed = { name: 'empty', files: () => ['node_modules/@electric-sql/pglite/package.json'] };

const MIGRATED: Seed = {
  name: 'migrated',
  files: () => [...EMPTY.files(), ...filesUnder('migrations'), 'src/db/migrate.ts', 'src/db/knex-factory.ts'],
  migrates: true,
  folder: true,
};

const CITY: Seed = {
  name: 'city',
  files: () => [...MIGRATED.files(), ...filesUnder('src'), 'package-lock.json', 'test/http/city.ts', 'test/db/fixtures.ts', 'test/support/global-setup.ts'],
  build: buildCity,
};

const PGLITE_PREFIX = 'hhb-jest-pglite-';
const PG_PREFIX = 'hhb_tmpl_';

/**
 * A template of another version is removed once no run has used it for this long: a run of another
 * version of the program (another work tree) may still be copying from it.
 */
const STALE_MS = 60 * 60_000;

/** The prefix of a PostgreSQL template while it is being built (renamed to its own name when done). */
export const BUILDING_PREFIX = `${PG_PREFIX}building_`;

/**
 * Drops the PostgreSQL databases that runs killed before they could drop them left: a test file's
 * own and templates being built, made over an hour ago (a file that runs ten minutes fails the run).
 */
export async function removeLeftOverDatabases(serverUrl: string, now = Date.now()): Promise<string[]> {
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    const names = ((await admin.raw(`select datname from pg_database`)).rows as { datname: string }[]).map((r) => r.datname);
    const left = names.filter((name) => {
      const made = madeAt(name, TEST_DATABASE_PREFIX) ?? madeAt(name, BUILDING_PREFIX);
      return made !== null && now - made > STALE_MS;
    });
    for (const name of left) await admin.raw(`drop database if exists ${name} with (force)`);
    return left;
  } finally {
    await admin.destroy();
  }
}

/** Removes the PGlite templates (and left-over parts) of `prefix` but `keep` that no run has used for an hour. */
function removeUnused(prefix: string, keep: string): void {
  for (const old of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix) && n !== keep)) {
    const path = join(tmpdir(), old);
    if (Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** The files of a PGlite template: a folder made whole under another name and renamed in one step. */
const templateFiles = (dir: string) => ({ dump: join(dir, 'dump.tar'), data: join(dir, 'data.json'), folder: join(dir, 'folder') });

/**
 * The seed's PGlite data directory as a dump file (and, for a seed that asks, as a data folder), and
 * the JSON of what its build returned. Two runs building the same one at once both build it, and the
 * first rename wins: the other run uses that one.
 */
async function pgliteTemplate(seed: Seed, hash: string, from: string | null): Promise<{ file: string; folder: string | null; data: string }> {
  const base = `${PGLITE_PREFIX}${seed.name}-${hash}`;
  const dir = join(tmpdir(), base);
  const found = () => {
    const files = templateFiles(dir);
    // Used now: older templates are removed only when unused for an hour.
    const now = new Date();
    utimesSync(dir, now, now);
    return { file: files.dump, folder: seed.folder ? files.folder : null, data: readFileSync(files.data, 'utf8') };
  };
  if (existsSync(dir)) return found();
  const partial = `${dir}.${randomBytes(4).toString('hex')}.part`;
  const files = templateFiles(partial);
  mkdirSync(partial);
  const pglite = new PGlite(from === null ? {} : { loadDataDir: new Blob([readFileSync(from)]) });
  await pglite.waitReady;
  const db = await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true, pglite, migrate: seed.migrates === true });
  writeFileSync(files.data, JSON.stringify((await seed.build?.(db.knex, 'pglite')) ?? null));
  const dump = (await pglite.dumpDataDir('none')) as Blob;
  writeFileSync(files.dump, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  if (seed.folder) {
    // The folder as PGlite writes it when it opens a new data folder from the dump, shut down cleanly.
    const inFolder = new PGlite({ dataDir: files.folder, loadDataDir: new Blob([readFileSync(files.dump)]) });
    await inFolder.waitReady;
    await inFolder.close();
  }
  try {
    renameSync(partial, dir);
  } catch (e) {
    // Another run finished the same template first (the rename onto a folder that is not empty fails): use that one.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw e;
  }
  removeUnused(`${PGLITE_PREFIX}${seed.name}-`, base);
  return found();
}

/** A template database's comment. */
interface Note {
  /** When a run last started from it (ms). */
  usedAt: number;
  /** What the seed's build returned, as JSON. */
  data: string;
}

/** The seed's PostgreSQL template database; its comment holds when a run last used it and what its build returned. */
async function postgresTemplate(serverUrl: string, seed: Seed, hash: string, from: string | null): Promise<{ name: string; data: string }> {
  const name = `${PG_PREFIX}${seed.name}_${hash}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  /** The template databases whose name matches `condition` (SQL on datname), with their notes. */
  const templates = async (condition: string, binding: string): Promise<{ datname: string; note: Note }[]> => {
    const rows = (await admin.raw(`select datname, shobj_description(oid, 'pg_database') as note from pg_database where ${condition}`, [binding])).rows as { datname: string; note: string | null }[];
    return rows.map((r) => ({ datname: r.datname, note: r.note === null ? { usedAt: 0, data: 'null' } : (JSON.parse(r.note) as Note) }));
  };
  const note = async (db: string, data: string): Promise<void> => {
    const text: Note = { usedAt: Date.now(), data };
    await admin.raw(`comment on database ${db} is ${admin.raw('?', [JSON.stringify(text)]).toQuery()}`);
  };
  /** What the template's build returned, the template marked as used now; null when there is none. */
  const found = async (db: string): Promise<string | null> => {
    const data = (await templates('datname = ?', db))[0]?.note.data ?? null;
    if (data !== null) await note(db, data);
    return data;
  };
  try {
    const existing = await found(name);
    if (existing !== null) return { name, data: existing };
    const building = stampedName(BUILDING_PREFIX);
    await admin.raw(from === null ? `create database ${building}` : `create database ${building} template ${from}`);
    const url = new URL(serverUrl);
    url.pathname = `/${building}`;
    const db = await createDb({ kind: 'postgres', url: url.toString() }, { migrate: seed.migrates === true });
    let data: string;
    try {
      data = JSON.stringify((await seed.build?.(db.knex, 'postgres')) ?? null);
    } finally {
      await db.close();
    }
    await note(building, data);
    try {
      await admin.raw(`alter database ${building} rename to ${name}`);
    } catch (e) {
      // Another run finished the same template first: use that one.
      await admin.raw(`drop database if exists ${building}`);
      const other = await found(name);
      if (other === null) throw e;
      return { name, data: other };
    }
    // Templates of the same seed for other versions that no run has used for an hour.
    for (const old of await templates('datname like ?', `${PG_PREFIX}${seed.name}\\_%`)) {
      if (old.datname !== name && Date.now() - old.note.usedAt > STALE_MS) await admin.raw(`drop database if exists ${old.datname}`).catch(() => {});
    }
    return { name, data };
  } finally {
    await admin.destroy();
  }
}

export default async function globalSetup(): Promise<void> {
  const serverUrl = testDatabaseUrl();
  const hashes = new Map([EMPTY, MIGRATED, CITY].map((seed) => [seed, filesHash(seed.files())]));
  // Each state is built from the one before; the two backends' chains run side by side (most of
  // PostgreSQL's work is in its own server process).
  const embedded = async (): Promise<void> => {
    let from: string | null = null;
    for (const [seed, hash] of hashes) {
      const made = await pgliteTemplate(seed, hash, from);
      process.env[templateEnv(seed.name, 'pglite')] = from = made.file;
      if (made.folder !== null) process.env[templateFolderEnv(seed.name)] = made.folder;
      process.env[templateDataEnv(seed.name, 'pglite')] = made.data;
    }
  };
  const server = async (url: string): Promise<void> => {
    await removeLeftOverDatabases(url);
    let from: string | null = null;
    // A new PostgreSQL database is empty at once: no template of that.
    for (const [seed, hash] of [...hashes].filter(([seed]) => seed !== EMPTY)) {
      const made = await postgresTemplate(url, seed, hash, from);
      process.env[templateEnv(seed.name, 'postgres')] = from = made.name;
      process.env[templateDataEnv(seed.name, 'postgres')] = made.data;
    }
  };
  await Promise.all([embedded(), serverUrl !== null ? server(serverUrl) : null]);
}
