import { join } from 'node:path';
import type { DbKind } from '../../src/db/knex-factory';
import { newPostgresDatabase } from '../support/test-db';

export { backends } from '../support/test-db';
export type Backend = DbKind;

/** A fresh database for one test file: a PGlite folder, or a new PostgreSQL database (from the run's migrated template) dropped afterwards. */
export async function testDatabase(backend: Backend, dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (backend === 'pglite') return { url: join(dir, 'db'), drop: async () => {} };
  return newPostgresDatabase('migrated');
}
