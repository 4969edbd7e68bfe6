/**
 * 50 street clients entering scores for the same projects of one round at once, through
 * the import use case and through the HTTP API (each street's clerks for their own projects): no
 * entry lost or duplicated, the last write per project wins, and the history keeps every entry,
 * linked in the order the writes committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { importRoundData } from '../../src/app/import-round-data';
import { createApp } from '../../src/http/app';
import { type City, NOW, OPEN, buildCity as buildHttpCity } from '../http/city';
import { backends, useTestDb } from '../support/test-db';
import { ROUND, buildCity, contextOf, writeCsv } from './city';

const CLIENTS = 50;
const PROJECTS = 12;

describe.each(backends())('50 concurrent street clients on %s', (kind) => {
  const t = useTestDb(kind);
  let dir: string;
  let codes: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-entry-'));
    codes = await buildCity(contextOf(t.knex, kind), dir, PROJECTS);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every entry, one current per project, the last committed winning', async () => {
    // Client i scores every project 40 + i (and notes who it is).
    const files = Array.from({ length: CLIENTS }, (_, i) =>
      writeCsv(dir, `client-${i}.csv`, [['项目编号', '得分', '备注'], ...codes.map((c) => [c, 40 + i, `客户端${i}`])]),
    );
    const outcomes = await Promise.allSettled(files.map((f, i) => importRoundData(contextOf(t.knex, kind, `street-clerk-${i}`), ROUND, 'street', f)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const replaced = outcomes.map((o) => (o as PromiseFulfilledResult<{ replaced: number }>).value.replaced);
    // Every client replaced the entries before it: the city's own scores, then the previous client's.
    expect(replaced.every((n) => n === PROJECTS)).toBe(true);

    // Commit order: the audit chain's ids (assigned under the round's lock, inside each transaction).
    const order = (await t.knex('audit_log').where({ action: 'scores.import.street' }).orderBy('id').select('actor'))
      .map((a: { actor: string }) => a.actor)
      .filter((a: string) => a.startsWith('street-clerk-'))
      .map((a: string) => Number(a.slice('street-clerk-'.length)));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: CLIENTS }, (_, i) => i));
    const last = order[order.length - 1] as number;

    const rows: { id: string | number; code: string; score: number; note: string | null; superseded_at: Date | null; superseded_by: string | number | null; entered_by: string }[] =
      await t.knex('street_scores as s').join('projects as p', 'p.id', 's.project_id').orderBy('s.id').select('s.id', 'p.code', 's.score', 's.note', 's.superseded_at', 's.superseded_by', 's.entered_by');
    // No lost or duplicated entry: the city's first score plus one per client, for every project.
    expect(rows).toHaveLength(PROJECTS * (CLIENTS + 1));
    for (const code of codes) {
      const history = rows.filter((r) => r.code === code);
      expect(history).toHaveLength(CLIENTS + 1);
      const current = history.filter((r) => r.superseded_at === null);
      expect(current).toHaveLength(1);
      expect(current[0]).toMatchObject({ score: (40 + last) * 100, note: `客户端${last}`, entered_by: `street-clerk-${last}` });
      // The history is one chain in commit order: each entry superseded by the next one written.
      const clients = history.slice(1).map((r) => Number(r.entered_by.slice('street-clerk-'.length)));
      expect(clients).toEqual(order);
      history.slice(0, -1).forEach((r, k) => {
        expect(r.superseded_at).not.toBeNull();
        expect(String(r.superseded_by)).toBe(String(history[k + 1]?.id));
      });
    }
  }, 180_000);
});

describe.each(backends())('50 concurrent street clients through the HTTP API on %s', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let city: City;

  beforeAll(async () => {
    city = await buildHttpCity(t.knex, t.db.kind);
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  it('keeps every entry, one current per project, the last committed winning, for each street', async () => {
    // Client i is a clerk of street SA (even i) or SB (odd i) entering all its street's projects at 40 + i.
    const streetOf = (i: number) => (i % 2 === 0 ? 'SA' : 'SB');
    const projectsOf = (street: string) => city.firms.filter((f) => f.street === street).map((f) => f.project);
    const responses = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        request(app)
          .post(`/api/v1/rounds/${OPEN}/street-scores`)
          .set('Authorization', `Bearer ${city.tokens[i % 2 === 0 ? 'streetA' : 'streetB']}`)
          .send({ scores: projectsOf(streetOf(i)).map((p) => ({ projectCode: p, score: 40 + i, note: `客户端${i}` })) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(CLIENTS).fill(200));

    const audits = (await t.knex('audit_log').where({ action: 'scores.enter.street', entity_id: OPEN }).orderBy('id').select('after')).map(
      (a: { after: unknown }) => (typeof a.after === 'string' ? JSON.parse(a.after) : a.after) as { scores: { score: string }[] },
    );
    const order = audits.map((a) => Number(a.scores[0]?.score) - 40);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: CLIENTS }, (_, i) => i));

    const rows: { id: string | number; code: string; score: number; note: string; superseded_at: Date | null; superseded_by: string | number | null }[] = await t
      .knex('street_scores as s')
      .join('projects as p', 'p.id', 's.project_id')
      .join('rounds as r', 'r.id', 's.round_id')
      .where('r.code', OPEN)
      .orderBy('s.id')
      .select('s.id', 'p.code', 's.score', 's.note', 's.superseded_at', 's.superseded_by');
    for (const street of ['SA', 'SB']) {
      const clients = order.filter((i) => streetOf(i) === street);
      expect(clients).toHaveLength(CLIENTS / 2);
      for (const code of projectsOf(street)) {
        const history = rows.filter((r) => r.code === code);
        expect(history.map((r) => r.note)).toEqual(clients.map((i) => `客户端${i}`));
        expect(history.filter((r) => r.superseded_at === null)).toEqual([expect.objectContaining({ score: (40 + (clients[clients.length - 1] as number)) * 100 })]);
        history.slice(0, -1).forEach((r, k) => expect(String(r.superseded_by)).toBe(String(history[k + 1]?.id)));
      }
    }
    expect(rows).toHaveLength(city.firms.length * (CLIENTS / 2));
  }, 180_000);
});
