/**
 * The database restarted under a running server, on a throwaway cluster this test starts
 * itself (initdb/pg_ctl on a free port), never the machine's own server. One knex and one
 * createApp live through the whole test, as `hhb serve` would. While the database is down every
 * request answers 503 with the error shape and the Chinese DB_UNAVAILABLE message, every use case
 * fails at once with it (and the CLI says so, exit 1); once it is back the same server and the same
 * knex serve again, with nothing lost and nothing half-written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { addUser, createToken } from '../../src/app/accounts';
import { createApp } from '../../src/http/app';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importRoundData } from '../../src/app/import-round-data';
import { listRounds } from '../../src/app/rounds';
import { createDb, type Db } from '../../src/db/knex-factory';
import { toDomainError } from '../../src/db/sqlstate';
import { hhb, closeCliDatabases } from '../cli/cli-harness';
import { ROUND, buildCity, contextOf, writeCsv } from './city';
import { type Cluster, postgresBin, startCluster } from './throwaway-cluster';

afterAll(closeCliDatabases);

const bin = postgresBin();
if (bin.dir === null) {
  console.warn(`test/faults/db-restart skipped: ${bin.why}`);
}

(bin.dir === null ? describe.skip : describe)('the database restarted while the application runs (throwaway cluster)', () => {
  let cluster: Cluster;
  let db: Db;
  let dir: string;
  let app: Express;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-restart-'));
    cluster = await startCluster(bin.dir as string);
    db = await createDb({ kind: 'postgres', url: cluster.url });
    const ctx = contextOf(db.knex, 'postgres');
    await buildCity(ctx, dir, 8);
    await addUser(ctx, { name: 'bureau', role: 'bureau', password: 'correct horse battery' });
    token = (await createToken(ctx, 'bureau')).token;
    app = createApp({ knex: db.knex, dbKind: 'postgres', now: ctx.now, log: () => {} });
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const failure = async (work: () => Promise<unknown>) => {
    const started = Date.now();
    const error = await work().then(
      () => null,
      (e: unknown) => e,
    );
    return { ms: Date.now() - started, domain: toDomainError(error) };
  };

  it('fails cleanly while it is down and serves again on the same connection pool when it is back', async () => {
    const ctx = contextOf(db.knex, 'postgres');
    expect((await listRounds(ctx)).map((r) => r.code)).toEqual([ROUND]);
    const street = writeCsv(dir, 'street-new.csv', [['项目编号', '得分'], ['P0001', '66.5']]);

    const api = () => request(app).get('/api/v1/rounds').set('Authorization', `Bearer ${token}`);
    expect((await api()).body).toMatchObject({ rounds: [{ code: ROUND }] });

    cluster.stop();
    for (const send of [api, api, () => request(app).put(`/api/v1/rounds/${ROUND}/street-scores/P0001`).set('Authorization', `Bearer ${token}`).send({ score: 50 }), () => request(app).get('/api/v1/rounds')]) {
      const res = await send();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'DB_UNAVAILABLE', message: expect.stringContaining('数据库暂时无法连接'), details: expect.anything() } });
    }
    const page = await request(app).get('/healthz');
    expect(page.status).toBe(503);
    expect(page.text).toContain('数据库暂时无法连接');
    // Pooled connections the server closed, then new connections refused: each call fails at once.
    for (const work of [() => listRounds(ctx), () => listRounds(ctx), () => importRoundData(ctx, ROUND, 'street', street), () => listRounds(ctx)]) {
      const { ms, domain } = await failure(work);
      expect(ms).toBeLessThan(10_000);
      expect(domain).toMatchObject({ code: 'DB_UNAVAILABLE', message: expect.stringContaining('数据库暂时无法连接') });
    }
    const cli = await hhb(['rounds', 'list'], { db: cluster.url, cwd: dir, reopen: true });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^错误：数据库暂时无法连接/);

    cluster.start();
    expect((await api()).body).toMatchObject({ rounds: [{ code: ROUND }] });
    expect((await listRounds(ctx)).map((r) => r.code)).toEqual([ROUND]);
    // The import refused while down wrote nothing; now it goes through once.
    const current = () => db.knex('street_scores as s').join('projects as p', 'p.id', 's.project_id').where('p.code', 'P0001').whereNull('s.superseded_at').first('s.score');
    expect(await current()).toEqual({ score: 6700 });
    await expect(importRoundData(ctx, ROUND, 'street', street)).resolves.toMatchObject({ rows: 1, replaced: 1 });
    expect(await current()).toEqual({ score: 6650 });
    expect((await hhb(['rounds', 'list'], { db: cluster.url, cwd: dir, reopen: true })).code).toBe(0);
  }, 180_000);
});
