/**
 * One knex for either backend: PostgreSQL (pg) or embedded PGlite (knex-pglite) in a data folder.
 */
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import type { DatabaseConfig } from '../config';
import { ensureMigrated } from './migrate';

export type DbKind = 'pglite' | 'postgres';

/**
 * knex-pglite names a statement's command after knex's method, and knex's delete is `del`: knex
 * then does not see a DELETE and answers the driver's result object instead of the row count (an
 * update is named right). Naming the method `delete` gives a delete its count, as on PostgreSQL.
 */
const PgliteClient = ClientPgLite as unknown as new (config: Knex.Config) => { processResponse(obj: unknown, runner: unknown): unknown };
class EmbeddedClient extends PgliteClient {
  override processResponse(obj: { method?: string }, runner: unknown): unknown {
    return super.processResponse(obj.method === 'del' ? { ...obj, method: 'delete' } : obj, runner);
  }
}

export interface Db {
  knex: Knex;
  kind: DbKind;
  close(): Promise<void>;
}

/** OIDs of int8 and numeric: pg returns them as strings (exact); the mappers convert. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const asString = (value: string): string => value;

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? asString : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export interface CreateDbOptions {
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** PGlite in memory instead of a data folder (tests). */
  inMemory?: boolean;
  /**
   * A PGlite instance made by the caller (tests load PGlite outside jest's module sandbox, where its
   * dynamic imports work). Closed with the knex.
   */
  pglite?: { close(): Promise<void>; readonly closed: boolean };
}

export async function createDb(database: DatabaseConfig, options: CreateDbOptions = {}): Promise<Db> {
  let knex: Knex;
  if (database.kind === 'postgres') {
    knex = knexFactory({
      client: 'pg',
      connection: { connectionString: database.url, types: pgTypes() } as Knex.PgConnectionConfig,
      pool: { min: 0, max: 10 },
    });
  } else {
    if (!options.inMemory) fs.mkdirSync(database.dataDir, { recursive: true });
    knex = knexFactory({
      client: EmbeddedClient as unknown as Knex.Config['client'],
      dialect: 'postgres',
      connection: options.pglite ? () => ({ pglite: options.pglite }) : options.inMemory ? {} : { filename: database.dataDir },
      acquireConnectionTimeout: 600_000,
    } as Knex.Config);
  }
  const own = options.pglite;
  const db: Db = {
    knex,
    kind: database.kind,
    close: async () => {
      await knex.destroy();
      // knex-pglite closes the instance on destroy; close it here only if it did not.
      if (own && !own.closed) await own.close();
    },
  };
  if (options.migrate !== false) {
    try {
      await ensureMigrated(knex);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
