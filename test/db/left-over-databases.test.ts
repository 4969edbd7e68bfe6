/**
 * The PostgreSQL databases a killed test run leaves behind (a test file's own, a template being
 * built) are dropped by the next run's global setup once they are an hour old; younger ones, which a
 * run going on beside it may be using, and every other database stay.
 */
import knexFactory from 'knex';
import { BUILDING_PREFIX, removeLeftOverDatabases } from '../support/global-setup';
import { TEST_DATABASE_PREFIX, madeAt, stampedName, testDatabaseUrl } from '../support/test-db';

const serverUrl = testDatabaseUrl();
const run = serverUrl === null ? describe.skip : describe;

run('databases left by a killed test run', () => {
  const admin = knexFactory({ client: 'pg', connection: serverUrl ?? '', pool: { min: 0, max: 1 } });
  const urlOf = (name: string): string => {
    const url = new URL(serverUrl as string);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const exists = async (name: string): Promise<boolean> => ((await admin.raw(`select 1 from pg_database where datname = ?`, [name])).rows as unknown[]).length === 1;
  const made: string[] = [];
  const make = async (name: string): Promise<string> => {
    await admin.raw(`create database ${name}`);
    made.push(name);
    return name;
  };

  afterAll(async () => {
    for (const name of made) await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  });

  it('drops those made over an hour ago, even with a connection still open, and keeps the rest', async () => {
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const oldTest = await make(stampedName(TEST_DATABASE_PREFIX, twoHoursAgo));
    const oldBuilding = await make(stampedName(BUILDING_PREFIX, twoHoursAgo));
    const young = await make(stampedName(TEST_DATABASE_PREFIX, Date.now() - 10 * 60_000));
    const unstamped = await make(`${TEST_DATABASE_PREFIX}${'ab12'.repeat(3)}`);
    expect(madeAt(oldTest, TEST_DATABASE_PREFIX)).toBe(twoHoursAgo);
    expect(madeAt(unstamped, TEST_DATABASE_PREFIX)).toBeNull();

    // A process the run left hanging still holds a connection to one of them.
    const hanging = knexFactory({ client: 'pg', connection: urlOf(oldTest), pool: { min: 1, max: 1 } });
    await hanging.raw('select 1');
    try {
      const dropped = await removeLeftOverDatabases(serverUrl as string);
      expect(dropped).toEqual(expect.arrayContaining([oldTest, oldBuilding]));
      expect(dropped).not.toContain(young);
      expect(dropped).not.toContain(unstamped);
    } finally {
      await hanging.destroy().catch(() => {});
    }
    expect(await exists(oldTest)).toBe(false);
    expect(await exists(oldBuilding)).toBe(false);
    expect(await exists(young)).toBe(true);
    expect(await exists(unstamped)).toBe(true);
    expect(await exists('postgres')).toBe(true);
  });
});
