import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { postgresTemplate } from '../support/test-db';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh database for one test file: a PGlite folder, or a new PostgreSQL database dropped afterwards. */
export async function testDatabase(backend: Backend, dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (backend === 'pglite') return { url: join(dir, 'db'), drop: async () => {} };
  const admin = new URL(process.env.TEST_DATABASE_URL as string);
  const name = `hhb_cli_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  // From the run's migrated template (test/support/global-setup.ts) when there is one.
  const template = postgresTemplate('migrated');
  await client.query(template !== null ? `create database ${name} template ${template}` : `create database ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
