/**
 * The reuse of in-memory PGlite instances between test files (test/support/pglite-pool.ts): a file
 * gets the state it asked for whatever the file before did to the instance — its rows, sequences
 * and schema — and a closed handle reaches nothing.
 */
import { withTestDb, withoutTriggers } from '../support/test-db';
import { tableChecksums } from '../bad-inputs/world';
import { poolCounts } from '../support/pglite-pool';

const STATE = process.env.HHB_TEST_PGLITE_MIGRATED;
const run = STATE !== undefined && STATE !== '' ? describe : describe.skip;

async function sequences(db: Awaited<ReturnType<typeof withTestDb>>): Promise<unknown[]> {
  return (await db.knex.raw(`select sequencename, last_value from pg_sequences where schemaname = current_schema() order by sequencename`)).rows as unknown[];
}

/** Leaves an instance of each of two other states waiting, as files run before this one in a worker may. */
async function fillPoolWithOtherStates(): Promise<void> {
  const empty = await withTestDb('pglite', { migrate: false });
  const city = await withTestDb('pglite', { seed: 'city' });
  await empty.close();
  await city.close();
}

run('a PGlite instance reused by the next test file', () => {
  // Once: the instance returned last is kept whatever waits, so the later tests hold in any pool.
  beforeAll(fillPoolWithOtherStates, 120_000);

  it('keeps the instance returned last when two others wait, and closes the one waiting longest', async () => {
    const first = await withTestDb('pglite');
    await first.close();
    const before = { ...poolCounts };
    const second = await withTestDb('pglite');
    await second.close();
    const city = await withTestDb('pglite', { seed: 'city' });
    await city.close();
    expect(poolCounts).toEqual({ opened: before.opened, reused: before.reused + 2 });
    const empty = await withTestDb('pglite', { migrate: false });
    await empty.close();
    expect(poolCounts).toEqual({ opened: before.opened + 1, reused: before.reused + 2 });
  });

  it('comes back with the rows, the sequences and the schema of the state, after writes, deletes and tampering', async () => {
    const first = await withTestDb('pglite');
    const pristine = await tableChecksums(first.knex);
    const pristineSequences = await sequences(first);
    expect(Object.keys(pristine).length).toBeGreaterThan(20);
    const seeded = Object.entries(pristine).filter(([, sum]) => !sum.startsWith('0:'));
    expect(seeded.length).toBeGreaterThan(0); // the migrations leave rows (knex_migrations at least)
    await first.knex('streets').insert({ code: 'S1', name: '东城街道' });
    await first.knex('firms').insert({ uscc: '91110000000000001X', name: '甲物业' });
    await withoutTriggers(first.knex, (trx) => trx('knex_migrations').delete());
    expect(await sequences(first)).not.toEqual(pristineSequences);
    await first.close();

    const before = { ...poolCounts };
    const second = await withTestDb('pglite');
    try {
      expect(poolCounts).toEqual({ opened: before.opened, reused: before.reused + 1 });
      expect(await tableChecksums(second.knex)).toEqual(pristine);
      expect(await sequences(second)).toEqual(pristineSequences);
      // A new row takes the first id again, as in a fresh copy.
      const [firm] = (await second.knex('firms').insert({ uscc: '91110000000000002X', name: '乙物业' }).returning('id')) as { id: number }[];
      expect(Number(firm?.id)).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('is not reused once a file changed its schema: the next file gets a new instance in the state', async () => {
    const first = await withTestDb('pglite');
    const pristine = await tableChecksums(first.knex);
    await first.knex.raw('alter table firms add column extra text');
    await first.close();

    const before = { ...poolCounts };
    const second = await withTestDb('pglite');
    try {
      expect(poolCounts).toEqual({ opened: before.opened + 1, reused: before.reused });
      const columns = (await second.knex.raw(`select column_name from information_schema.columns where table_name = 'firms' and column_name = 'extra'`)).rows as unknown[];
      expect(columns).toEqual([]);
      expect(await tableChecksums(second.knex)).toEqual(pristine);
    } finally {
      await second.close();
    }
  });

  it('puts the session back: foreign keys hold again after a file turned triggers off for its session, and its prepared statements are gone', async () => {
    const first = await withTestDb('pglite');
    await first.knex.raw('set session_replication_role = replica');
    await first.knex.raw('set statement_timeout = 1234');
    await first.knex.raw('prepare leftover as select 1');
    await first.close();

    const before = { ...poolCounts };
    const second = await withTestDb('pglite');
    try {
      expect(poolCounts).toEqual({ opened: before.opened, reused: before.reused + 1 });
      expect((await second.knex.raw(`select name from pg_settings where source = 'session'`)).rows).toEqual([]);
      expect((await second.knex.raw('select count(*)::int as n from pg_prepared_statements')).rows).toEqual([{ n: 0 }]);
      // A project of a firm that does not exist is refused.
      await expect(second.knex('projects').insert({ code: 'P1', name: '一号小区', street_code: 'NONE', firm_id: 999, households: 10 })).rejects.toThrow(/foreign key constraint/);
    } finally {
      await second.close();
    }
  });

  it.each([
    ['turned a table\'s triggers off', 'alter table projects disable trigger all'],
    ['changed a column default', `alter table firms alter column status set default 'gone'`],
    ['made a type', `create type mood as enum ('calm')`],
    ['changed a sequence', `alter sequence firms_id_seq increment by 10`],
  ])('is not reused once a file %s', async (_what, statement) => {
    const first = await withTestDb('pglite');
    await first.knex.raw(statement);
    await first.close();

    const before = { ...poolCounts };
    const second = await withTestDb('pglite');
    try {
      expect(poolCounts).toEqual({ opened: before.opened + 1, reused: before.reused });
    } finally {
      await second.close();
    }
  });

  it('refuses every call through a closed handle, so a late query cannot reach the next file', async () => {
    const first = await withTestDb('pglite');
    const knex = first.knex;
    await first.close();
    await expect(knex.raw('select 1')).rejects.toThrow();
    const second = await withTestDb('pglite');
    try {
      expect((await second.knex.raw('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await second.close();
    }
  });
});
