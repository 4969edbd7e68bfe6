/**
 * Migrations from a static list (migrations/index.ts): no directory scan, no TypeScript loader.
 */
import type { Knex } from 'knex';
import { MIGRATIONS, type MigrationModule } from '../../migrations';

class StaticMigrationSource implements Knex.MigrationSource<MigrationModule> {
  getMigrations(): Promise<MigrationModule[]> {
    return Promise.resolve([...MIGRATIONS]);
  }
  getMigrationName(migration: MigrationModule): string {
    return migration.name;
  }
  getMigration(migration: MigrationModule): Promise<Knex.Migration> {
    return Promise.resolve({ up: migration.up, down: migration.down });
  }
}

const CONFIG: Knex.MigratorConfig = { migrationSource: new StaticMigrationSource(), tableName: 'knex_migrations' };

/** Applies every pending migration; returns the names applied now. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(CONFIG)) as [number, string[]];
  return applied;
}

/** Undoes every applied migration (tests and `down` checks). */
export async function migrateRollbackAll(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(CONFIG, true)) as [number, string[]];
  return undone;
}

export interface MigrationState {
  name: string;
  applied: boolean;
}

/** Every known migration and whether it is applied, in order. */
export async function migrationStatus(knex: Knex): Promise<MigrationState[]> {
  const [completed] = (await knex.migrate.list(CONFIG)) as [{ name: string }[] | string[], unknown[]];
  const done = new Set(completed.map((c) => (typeof c === 'string' ? c : c.name)));
  return MIGRATIONS.map((m) => ({ name: m.name, applied: done.has(m.name) }));
}

const migrated = new WeakSet<Knex>();

/** Migrates once per knex instance (first use of a database). */
export async function ensureMigrated(knex: Knex): Promise<void> {
  if (migrated.has(knex)) return;
  await migrateLatest(knex);
  migrated.add(knex);
}

/** Names of the migrations this program knows, in order. */
export function knownMigrations(): string[] {
  return MIGRATIONS.map((m) => m.name);
}

/** Applies, in order, each of `names` not applied yet (a database brought to an earlier schema). */
export async function migrateUpTo(knex: Knex, names: readonly string[]): Promise<void> {
  const done = new Set((await migrationStatus(knex)).filter((m) => m.applied).map((m) => m.name));
  for (const name of names) if (!done.has(name)) await knex.migrate.up({ ...CONFIG, name });
}
