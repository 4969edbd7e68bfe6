/**
 * Two computes of one round at once: the second waits for the first (the round's row
 * lock), both succeed as computations 1 and 2, and they store identical results. On PostgreSQL the
 * two run on two separate connection pools, as two processes would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeRound, computeRound } from '../../src/app/rounds';
import { createDb, type Db } from '../../src/db/knex-factory';
import { backends, useTestDb } from '../support/test-db';
import { ROUND, buildCity, contextOf } from './city';

describe.each(backends())('two computes of one round at once on %s', (kind) => {
  const t = useTestDb(kind);
  let dir: string;
  let second: Db | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-compute-'));
    const ctx = contextOf(t.knex, kind);
    await buildCity(ctx, dir);
    await closeRound(ctx, ROUND);
    if (kind === 'postgres') second = await createDb({ kind: 'postgres', url: t.db.url as string }, { migrate: false });
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers them 1 and 2, one after the other, with identical results', async () => {
    const a = contextOf(t.knex, kind, 'clerk-a');
    const b = contextOf(second?.knex ?? t.knex, kind, 'clerk-b');
    const [ra, rb] = await Promise.all([computeRound(a, ROUND, { force: false }), computeRound(b, ROUND, { force: false })]);
    expect([ra.computation, rb.computation].sort()).toEqual([1, 2]);
    const plain = (firms: typeof ra.result.firms) => JSON.stringify(firms, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(plain(rb.result.firms)).toBe(plain(ra.result.firms));
    expect(ra.result.firms.length).toBeGreaterThan(0);

    // What the database kept: two computations, each with the same rows.
    const stored = async (number: number) =>
      (
        await t
          .knex('results as r')
          .join('computations as c', 'c.id', 'r.computation_id')
          .join('rounds as o', 'o.id', 'c.round_id')
          .where({ 'o.code': ROUND, 'c.number': number })
          .orderBy('r.uscc')
          .select('r.uscc', 'r.rank', 'r.composite', 'r.composite_exact', 'r.list', 'r.flags', 'r.reasons', 'r.explanation')
      ).map((r: Record<string, unknown>) => JSON.stringify(r));
    const first = await stored(1);
    expect(first).toHaveLength(ra.result.firms.length);
    expect(await stored(2)).toEqual(first);
    const audits = await t.knex('audit_log').where({ action: 'round.compute', entity_id: ROUND }).orderBy('id').select('actor', 'after');
    expect(audits).toHaveLength(2);
    // The one that took the lock first is computation 1.
    const byActor = Object.fromEntries(audits.map((x: { actor: string; after: unknown }) => [x.actor, (typeof x.after === 'string' ? JSON.parse(x.after) : x.after).computation]));
    expect(byActor).toEqual({ 'clerk-a': ra.computation, 'clerk-b': rb.computation });
  }, 120_000);
});
