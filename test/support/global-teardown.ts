/** Removes what global-setup.ts made: the dumped PGlite directory and the PostgreSQL template database. */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory from 'knex';
import { PGLITE_TEMPLATE_ENV, PG_TEMPLATE_ENV } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[PGLITE_TEMPLATE_ENV];
  if (file) rmSync(dirname(file), { recursive: true, force: true });
  const template = process.env[PG_TEMPLATE_ENV];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (template && serverUrl) {
    const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(`drop database if exists ${template} with (force)`);
    } finally {
      await admin.destroy();
    }
  }
}
