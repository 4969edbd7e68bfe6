import type { Knex } from 'knex';
import type { Response } from 'express';
import { SESSION_IDLE_MINUTES, type SessionPolicy } from '../app/accounts';
import type { AppContext } from '../app/context';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottle, type LoginThrottlePolicy, loginThrottle } from '../app/login';
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
  /** Failed-login limits (default DEFAULT_LOGIN_THROTTLE: 5 per account and address in 15 minutes…). */
  loginThrottle?: Partial<LoginThrottlePolicy>;
  /** Minutes without a request after which a web session ends (default 30). */
  sessionIdleMinutes?: number;
  /** Upload size limit in bytes (default 50 MB). */
  uploadMaxBytes?: number;
}

export interface ResolvedDeps extends Required<Omit<HttpDeps, 'trustProxy' | 'loginThrottle' | 'sessionIdleMinutes'>> {
  trustProxy: HttpDeps['trustProxy'];
  /** The failed-login counters, kept in the database and shared by every server process. */
  throttle: LoginThrottle;
  sessionPolicy: SessionPolicy;
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
    throttle: loginThrottle({ knex: deps.knex }, { ...DEFAULT_LOGIN_THROTTLE, ...deps.loginThrottle }),
    sessionPolicy: { idleMinutes: deps.sessionIdleMinutes ?? SESSION_IDLE_MINUTES },
    uploadMaxBytes: deps.uploadMaxBytes ?? 50 * 1024 * 1024,
    ctxOf: (res) => ({ knex: deps.knex, dbKind: deps.dbKind, actor: userOf(res)?.name ?? 'public', now }),
  };
}
