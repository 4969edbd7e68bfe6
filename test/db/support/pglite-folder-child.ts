/** Opens the embedded database in a folder (migrating on first use), writes or reads one street. Args: <dir> write|read. */
import { createDb } from '../../../src/db/knex-factory';
import { migrationStatus } from '../../../src/db/migrate';

async function main(): Promise<void> {
  const [dir, mode] = process.argv.slice(2);
  const db = await createDb({ kind: 'pglite', dataDir: dir as string });
  if (mode === 'write') await db.knex('streets').insert({ code: 'S1', name: '长安街道' });
  const streets = await db.knex('streets').select('code', 'name');
  process.stdout.write(JSON.stringify({ kind: db.kind, streets, migrations: await migrationStatus(db.knex) }));
  await db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exit(1);
});
