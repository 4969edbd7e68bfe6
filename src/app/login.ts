/**
 * Logging in on the web, with throttling of failed attempts (OWASP Authentication Cheat Sheet):
 * - per account and client address: 5 failures in 15 minutes block that pair, first for 15
 *   minutes, doubling with each further block within a day (at most 24 hours); a success clears it;
 * - per account from any address: 10 failures an hour block the account for 15 minutes, so
 *   that guesses spread over many addresses are slowed too;
 * - per client address: 100 failures an hour block the address for an hour (one office behind
 *   one NAT address shares it, hence the generous figure).
 * Only failures count: an office whose staff log in all morning through one address is never
 * limited. The counters live in the database (see db/login-throttle-store.ts), so several server
 * processes behind one proxy share them. The client address is the proxy's own unless the server
 * trusts it (`hhb serve --trust-proxy`), so a forged X-Forwarded-For changes nothing.
 */
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { DomainError } from '../domain/errors';
import { countOne, databaseLimiter, pruneLoginThrottle } from '../db/login-throttle-store';
import { type Principal, sha256, verifyPassword } from './accounts';
import type { AppContext } from './context';

export interface LoginThrottlePolicy {
  /** Failures of one account from one address before the pair is blocked, within windowSeconds. */
  perAccountAndAddress: number;
  /** Failures of one account from anywhere before it is blocked, within an hour. */
  perAccount: number;
  /** Failures from one address before it is blocked, within an hour. */
  perAddress: number;
  /** The window of the per-pair count. */
  windowSeconds: number;
  /** The first block of a pair; each further block within a day doubles it. */
  blockSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  perAccountAndAddress: 5,
  perAccount: 10,
  perAddress: 100,
  windowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
};

const DAY = 24 * 3600;
const HOUR = 3600;

export interface LoginThrottle {
  readonly policy: LoginThrottlePolicy;
  pair: RateLimiterPostgres;
  account: RateLimiterPostgres;
  address: RateLimiterPostgres;
  /** How many times a pair has been blocked within the last day (for the doubling). */
  blocks: RateLimiterPostgres;
}

export function loginThrottle(ctx: Pick<AppContext, 'knex'>, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): LoginThrottle {
  return {
    policy,
    pair: databaseLimiter(ctx.knex, { keyPrefix: 'login_pair', points: policy.perAccountAndAddress, duration: policy.windowSeconds }),
    account: databaseLimiter(ctx.knex, { keyPrefix: 'login_account', points: policy.perAccount, duration: HOUR }),
    address: databaseLimiter(ctx.knex, { keyPrefix: 'login_address', points: policy.perAddress, duration: HOUR }),
    blocks: databaseLimiter(ctx.knex, { keyPrefix: 'login_blocks', points: 1000, duration: DAY }),
  };
}

/** Account names are compared as typed, trimmed and lower-cased; the key is a hash, never the typed text. */
const accountKey = (name: string): string => sha256(name.trim().toLowerCase());
const pairKey = (name: string, address: string): string => sha256(`${name.trim().toLowerCase()}\u0000${address}`);

/** Seconds until the first of the blocked counters frees, or 0 when none blocks. */
async function blockedFor(throttle: LoginThrottle, name: string, address: string): Promise<number> {
  const checks: [RateLimiterPostgres, string][] = [
    [throttle.pair, pairKey(name, address)],
    [throttle.account, accountKey(name)],
    [throttle.address, address],
  ];
  let ms = 0;
  for (const [limiter, key] of checks) {
    const res = await limiter.get(key);
    if (res && res.consumedPoints > limiter.points) ms = Math.max(ms, res.msBeforeNext);
  }
  return Math.ceil(ms / 1000);
}

function refuse(seconds: number): never {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  throw new DomainError('RATE_LIMITED', `登录失败次数过多，已暂停登录，请约 ${minutes} 分钟后再试；忘记密码请联系系统管理员重置。`, { retryAfterSeconds: Math.max(1, seconds) });
}

/**
 * Counts one failure on every counter; a counter that has run out blocks its key (the pair's block
 * doubling with each earlier block that day). Returns the failures left before the pair is blocked.
 */
async function countFailure(throttle: LoginThrottle, name: string, address: string): Promise<number> {
  const { policy } = throttle;
  const account = await countOne(throttle.account, accountKey(name));
  if (account.consumedPoints >= policy.perAccount) await throttle.account.block(accountKey(name), policy.blockSeconds);
  const byAddress = await countOne(throttle.address, address);
  if (byAddress.consumedPoints >= policy.perAddress) await throttle.address.block(address, HOUR);
  const pair = await countOne(throttle.pair, pairKey(name, address));
  if (pair.consumedPoints < policy.perAccountAndAddress) return policy.perAccountAndAddress - pair.consumedPoints;
  const earlier = (await countOne(throttle.blocks, pairKey(name, address))).consumedPoints - 1;
  await throttle.pair.block(pairKey(name, address), Math.min(DAY, policy.blockSeconds * 2 ** Math.min(earlier, 10)));
  return 0;
}

export type LoginOutcome = { ok: true; user: Principal; mustChangePassword: boolean } | { ok: false; attemptsLeft: number };

/**
 * One login attempt from a client address. Refused at once (RATE_LIMITED, with the seconds to wait)
 * while a counter blocks; otherwise the password is checked and a failure counted.
 */
export async function attemptLogin(ctx: AppContext, throttle: LoginThrottle, input: { name: string; password: string; address: string }): Promise<LoginOutcome> {
  const name = input.name.slice(0, 200);
  const waiting = await blockedFor(throttle, name, input.address);
  if (waiting > 0) refuse(waiting);
  const verified = await verifyPassword(ctx, name, input.password);
  if (!verified) return { ok: false, attemptsLeft: await countFailure(throttle, name, input.address) };
  await throttle.pair.delete(pairKey(name, input.address));
  await pruneLoginThrottle(ctx.knex, Date.now());
  return { ok: true, user: verified.user, mustChangePassword: verified.mustChangePassword };
}
