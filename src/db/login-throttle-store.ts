/**
 * The database store behind login throttling: rate-limiter-flexible's PostgreSQL limiter, talking
 * to our knex (PostgreSQL or the embedded PGlite alike) through a small client that runs its
 * parameterised statements with `knex.raw`. The counters live in `login_throttle`, so every server
 * process on the same database sees the same counts.
 */
import type { Knex } from 'knex';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

export const LOGIN_THROTTLE_TABLE = 'login_throttle';

export interface LimiterSpec {
  /** Distinguishes the counters of one limiter from another's in the shared table. */
  keyPrefix: string;
  /** Failures allowed within the window. */
  points: number;
  /** The window, in seconds. */
  duration: number;
}

/** `$1 … $n` → knex's named bindings `:p1 … :pn`, so that a repeated parameter stays one value. */
function knexClient(knex: Knex) {
  return {
    async query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }> {
      const bindings: Record<string, unknown> = {};
      (q.values ?? []).forEach((v, i) => {
        bindings[`p${i + 1}`] = v;
      });
      const sql = q.text.replace(/\$(\d+)/g, (_, n: string) => `:p${n}`);
      const result = (await knex.raw(sql, bindings as Knex.ValueDict)) as { rows?: unknown[]; rowCount?: number | null };
      const rows = result.rows ?? [];
      // The embedded driver reports no row count for a SELECT; the rows say it.
      return { rows, rowCount: rows.length > 0 ? rows.length : Number(result.rowCount ?? 0) };
    },
  };
}

export function databaseLimiter(knex: Knex, spec: LimiterSpec): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: knexClient(knex),
    storeType: 'client',
    tableName: LOGIN_THROTTLE_TABLE,
    tableCreated: true,
    // Expired counters are removed when someone logs in (pruneLoginThrottle), not by a timer.
    clearExpiredByTimeout: false,
    keyPrefix: spec.keyPrefix,
    points: spec.points,
    duration: spec.duration,
  });
}

/**
 * Counts one against a key and returns the counter. The library rejects with the counter once the
 * points are used up; here that is an answer like any other (the caller decides what it means).
 */
export async function countOne(limiter: RateLimiterPostgres, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) return e;
    throw e;
  }
}

/** Removes counters whose window and block have both ended. */
export async function pruneLoginThrottle(knex: Knex | Knex.Transaction, nowMs: number): Promise<void> {
  await knex(LOGIN_THROTTLE_TABLE).where('expire', '<=', nowMs).delete();
}
