/**
 * Migrates once per test run: a PGlite data directory dumped to a file, and (when TEST_DATABASE_URL
 * is set) a PostgreSQL template database. Test files then start from a copy of either instead of
 * running initdb and every migration again (test/support/test-db.ts reads the two variables set here).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import knexFactory from 'knex';
import { createDb } from '../../src/db/knex-factory';
import { MIGRATIONS } from '../../migrations';

export const PGLITE_TEMPLATE_ENV = 'HHB_TEST_PGLITE_TEMPLATE';
export const PG_TEMPLATE_ENV = 'HHB_TEST_PG_TEMPLATE';

async function pgliteTemplate(): Promise<string> {
  const pglite = new PGlite();
  await pglite.waitReady;
  const db = await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true, pglite });
  const dump = (await pglite.dumpDataDir('none')) as Blob;
  const file = join(mkdtempSync(join(tmpdir(), 'hhb-jest-')), 'migrated-pglite.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  return file;
}

async function postgresTemplate(serverUrl: string): Promise<string> {
  // The name carries the migration count so that a template left by a killed run is never mistaken for this one.
  const name = `hhb_tmpl_${String(MIGRATIONS.length)}_${randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ kind: 'postgres', url: url.toString() });
  await db.close();
  return name;
}

export default async function globalSetup(): Promise<void> {
  process.env[PGLITE_TEMPLATE_ENV] = await pgliteTemplate();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl !== undefined && serverUrl !== '') process.env[PG_TEMPLATE_ENV] = await postgresTemplate(serverUrl);
}
