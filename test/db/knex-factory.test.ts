import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { createDb } from '../../src/db/knex-factory';
import { testDatabaseUrl } from '../support/test-db';

// Each opening of the data folder is its own process, as each `hhb` command is.
const child = (dir: string, mode: string): { kind: string; streets: unknown[]; migrations: unknown[] } =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/pglite-folder-child.ts'), dir, mode], { encoding: 'utf8' }));

describe('createDb', () => {
  it('creates the PGlite data folder, migrates it on first use, and keeps the data across processes', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hhb-pglite-')), 'nested', 'data');
    const first = child(dir, 'write');
    expect(first).toEqual({ kind: 'pglite', streets: [{ code: 'S1', name: '长安街道' }], migrations: MIGRATIONS.map((m) => ({ name: m.name, applied: true })) });
    expect(MIGRATIONS[0]?.name).toBe('20250101000000_schema');
    expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    expect(child(dir, 'read').streets).toEqual([{ code: 'S1', name: '长安街道' }]);
    fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  });

  (testDatabaseUrl() === null ? it.skip : it)('returns int8 and numeric from PostgreSQL as strings', async () => {
    const db = await createDb({ kind: 'postgres', url: testDatabaseUrl() as string }, { migrate: false });
    try {
      const { rows } = await db.knex.raw(`select 9007199254740993::int8 as big, 12.345::numeric as dec, 7::int4 as small`);
      expect(rows).toEqual([{ big: '9007199254740993', dec: '12.345', small: 7 }]);
      expect(db.kind).toBe('postgres');
    } finally {
      await db.close();
    }
  });
});
