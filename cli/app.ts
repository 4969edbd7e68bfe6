import { userInfo } from 'node:os';
import { loadConfig } from '../src/config';
import { type Db, createDb } from '../src/db/knex-factory';
import { ensureMigrated } from '../src/db/migrate';
import type { AppContext } from '../src/app/context';
import type { CliIo } from './io';

export interface GlobalOptions {
  db?: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Opens the configured database, brings its schema up to date (migrations run on first use),
 * runs one use case, and closes the database whatever happens.
 */
export async function withApp<T>(
  io: CliIo,
  opts: GlobalOptions,
  fn: (ctx: AppContext) => Promise<T>,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig(io.env, { db: opts.db });
  const run = (db: Db): Promise<T> => fn({ knex: db.knex, dbKind: db.kind, actor: `cli:${osUser()}`, now: io.now });
  const kept = (await io.databases?.open(config.database)) ?? null;
  if (kept !== null) {
    if (migrate) await ensureMigrated(kept.knex);
    return run(kept);
  }
  const db = await createDb(config.database, { migrate });
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}
