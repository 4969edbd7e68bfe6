/** Shared pieces of COPY … FROM STDIN through pg-copy-streams on a transaction's own connection. */
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';

/** Whether the connection is a PostgreSQL server (COPY through pg-copy-streams), not PGlite. */
export function isPostgres(db: Knex | Knex.Transaction): boolean {
  const config = db.client.config as { client?: unknown };
  return config.client === 'pg' || config.client === 'postgres' || config.client === 'postgresql';
}

/** The pg client as pg-copy-streams uses it: `query(copyFrom(sql))` returns the COPY stream. */
export interface PgCopyClient {
  query(stream: Writable): Writable;
}

/** Writes a chunk, waiting for 'drain' when the stream's buffer is full (rejects on a stream error). */
export async function writeChunk(stream: Writable, chunk: Buffer | string): Promise<void> {
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
