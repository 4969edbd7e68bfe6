import type { Knex } from 'knex';
import type { Response } from 'express';
import type { AppContext } from '../app/context';
import { userOf } from './auth';

/** What createApp needs: the database and the outside world (clock, log), nothing global. */
export interface HttpDeps {
  knex: Knex;
  dbKind: 'pglite' | 'postgres';
  now?: () => Date;
  /** Express `trust proxy` (behind a TLS-terminating proxy: cookies become Secure from X-Forwarded-Proto). */
  trustProxy?: boolean | number | string;
  /** One line of structured JSON per request and per unexpected error (default: stderr). */
  log?: (line: string) => void;
  /** Login attempts per client (default 10 per 15 minutes). */
  loginLimit?: { windowMs: number; limit: number };
  /** Upload size limit in bytes (default 50 MB). */
  uploadMaxBytes?: number;
}

export interface ResolvedDeps extends Required<Omit<HttpDeps, 'trustProxy'>> {
  trustProxy: HttpDeps['trustProxy'];
  ctxOf(res: Response): AppContext;
}

export function resolveDeps(deps: HttpDeps): ResolvedDeps {
  const now = deps.now ?? (() => new Date());
  return {
    knex: deps.knex,
    dbKind: deps.dbKind,
    now,
    trustProxy: deps.trustProxy,
    log: deps.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
    loginLimit: deps.loginLimit ?? { windowMs: 15 * 60_000, limit: 10 },
    uploadMaxBytes: deps.uploadMaxBytes ?? 50 * 1024 * 1024,
    ctxOf: (res) => ({ knex: deps.knex, dbKind: deps.dbKind, actor: userOf(res)?.name ?? 'public', now }),
  };
}
