import type { Knex } from 'knex';
import { migrateLatest, migrateRollbackAll, migrationStatus } from '../../src/db/migrate';
import { backends, useTestDb } from '../support/test-db';
import { MIGRATIONS } from '../../migrations';

/** Every migration in order, as the list in migrations/index.ts gives them. */
const NAMES = MIGRATIONS.map((m) => m.name);

const tables = async (knex: Knex): Promise<string[]> =>
  ((await knex.raw(`select tablename from pg_tables where schemaname = current_schema() order by 1`)).rows as { tablename: string }[])
    .map((r) => r.tablename)
    .filter((t) => !t.startsWith('knex_migrations'));

describe.each(backends())('migrations on %s', (kind) => {
  const t = useTestDb(kind, { migrate: false });

  it('applies every migration, reports them applied, and a second run applies nothing', async () => {
    expect((await migrationStatus(t.knex)).every((m) => !m.applied)).toBe(true);
    const applied = await migrateLatest(t.knex);
    expect(NAMES.slice(0, 3)).toEqual(['20250101000000_schema', '20261123000000_survey_check_one_pass', '20261129000000_results_explanation_json']);
    expect(NAMES).toContain('20261201000100_settings');
    expect(NAMES).toEqual([...NAMES].sort());
    expect(applied).toEqual(NAMES);
    expect(await migrationStatus(t.knex)).toEqual(NAMES.map((name) => ({ name, applied: true })));
    expect(await migrateLatest(t.knex)).toEqual([]);
    expect(await tables(t.knex)).toEqual(
      expect.arrayContaining(['streets', 'firms', 'projects', 'rounds', 'round_firms', 'round_projects', 'survey_responses', 'results', 'audit_log', 'users', 'settings']),
    );
  });

  it('rolls everything back down to an empty schema and up again', async () => {
    expect(await migrateRollbackAll(t.knex)).toEqual([...NAMES].reverse());
    expect(await tables(t.knex)).toEqual([]);
    const functions = (await t.knex.raw(`select proname from pg_proc where proname like 'hhb_%'`)).rows;
    expect(functions).toEqual([]);
    expect(await migrateLatest(t.knex)).toEqual(NAMES);
    expect((await tables(t.knex)).length).toBeGreaterThan(20);
  });
});
