/**
 * Migrates once: a PGlite data directory dumped to a file, and (when TEST_DATABASE_URL is set) a
 * PostgreSQL template database. Test files then start from a copy of either instead of running
 * initdb and every migration again (test/support/test-db.ts reads the two variables set here).
 *
 * Both are kept between runs under a name carrying a hash of the migrations (and of the migration
 * runner and the PGlite version), so a run after an unchanged schema starts at once, and a changed
 * migration makes a new one (older ones are removed when the next is made). Each is made under a
 * temporary name and renamed when complete, so a killed or concurrent run never sees half of one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knexFactory from 'knex';
import { createDb } from '../../src/db/knex-factory';
import { filesHash, filesUnder } from './files';

export const PGLITE_TEMPLATE_ENV = 'HHB_TEST_PGLITE_TEMPLATE';
export const PG_TEMPLATE_ENV = 'HHB_TEST_PG_TEMPLATE';

const PGLITE_PREFIX = 'hhb-jest-pglite-';
const PG_PREFIX = 'hhb_tmpl_';

/** What the migrated schema depends on: every migration's text, the runner, and the PGlite build. */
function schemaHash(): string {
  return filesHash([...filesUnder('migrations'), 'src/db/migrate.ts', 'src/db/knex-factory.ts', 'node_modules/@electric-sql/pglite/package.json']);
}

async function pgliteTemplate(hash: string): Promise<string> {
  const file = join(tmpdir(), `${PGLITE_PREFIX}${hash}.tar`);
  if (existsSync(file)) return file;
  const pglite = new PGlite();
  await pglite.waitReady;
  const db = await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true, pglite });
  const dump = (await pglite.dumpDataDir('none')) as Blob;
  const partial = `${file}.${randomBytes(4).toString('hex')}.part`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  renameSync(partial, file);
  for (const old of readdirSync(tmpdir()).filter((n) => n.startsWith(PGLITE_PREFIX) && n.endsWith('.tar') && n !== `${PGLITE_PREFIX}${hash}.tar`)) {
    rmSync(join(tmpdir(), old), { force: true });
  }
  return file;
}

async function postgresTemplate(serverUrl: string, hash: string): Promise<string> {
  const name = `${PG_PREFIX}${hash}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    const exists = async (db: string) => ((await admin.raw('select 1 from pg_database where datname = ?', [db])).rows as unknown[]).length > 0;
    if (await exists(name)) return name;
    const building = `${PG_PREFIX}building_${randomBytes(5).toString('hex')}`;
    await admin.raw(`create database ${building}`);
    const url = new URL(serverUrl);
    url.pathname = `/${building}`;
    const db = await createDb({ kind: 'postgres', url: url.toString() });
    await db.close();
    try {
      await admin.raw(`alter database ${building} rename to ${name}`);
    } catch (e) {
      // Another run finished the same template first: use that one.
      await admin.raw(`drop database if exists ${building}`);
      if (!(await exists(name))) throw e;
      return name;
    }
    // Templates of older schemas, unless a run is still copying from one.
    const old = (await admin.raw(`select datname from pg_database where datname like '${PG_PREFIX}%' and datname <> ? and datname not like '${PG_PREFIX}building%'`, [name])).rows as { datname: string }[];
    for (const { datname } of old) await admin.raw(`drop database if exists ${datname}`).catch(() => {});
    return name;
  } finally {
    await admin.destroy();
  }
}

export default async function globalSetup(): Promise<void> {
  const hash = schemaHash();
  process.env[PGLITE_TEMPLATE_ENV] = await pgliteTemplate(hash);
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== '') process.env[PG_TEMPLATE_ENV] = await postgresTemplate(serverUrl, hash);
}
