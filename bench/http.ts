/**
 * HTTP bench: `npx tsx bench/http.ts [firms=20000] [seconds=10] [connections=10]`.
 *
 * Builds a published round of N firms (plain SQL into an in-memory PGlite, or DATABASE_URL), then
 * in the same run measures with autocannon:
 *  - paged: GET /api/v1/rounds/:code/results?page=1&size=100 of createApp (helmet, request log, auth,
 *           cache, ETag) against a bare Express route answering the same page from memory;
 *  - whole: GET /api/v1/rounds/:code/results.json (the whole ranking) against a bare route answering
 *           the same JSON, once without and once with Accept-Encoding: gzip (gzipped once, cached).
 * Target (the paged route): app ≥ 70% of bare's requests/s, app p99 < 50 ms. The whole download,
 * 5 MB for 20,000 firms, is bound by bytes, not by the app: its figures are printed for comparison.
 */
import { createWriteStream } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { createDb } from '../src/db/knex-factory';
import { createApp } from '../src/http/app';
import { defaultRules, rulesHash } from '../src/rules';

const FIRMS = Number(process.argv[2] ?? 20000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = Number(process.argv[4] ?? 10);
const CODE = '2025-H1';

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function measure(name: string, url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1, headers });
  const line = { name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, mbPerSec: Math.round(r.throughput.average / 1e5) / 10, non2xx: r.non2xx, errors: r.errors };
  console.log(JSON.stringify(line));
  return line;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const db = url ? await createDb({ kind: 'postgres', url }) : await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true });
  const k = db.knex;
  const t0 = Date.now();
  const rules = defaultRules();
  await k.raw(`insert into firms (uscc, name) select '91' || lpad(g::text, 16, '0'), '物业服务企业' || g || '号有限公司' from generate_series(1, ?) g`, [FIRMS]);
  const [round] = await k('rounds').insert({ code: CODE, kind: 'half', status: 'computed', rules: JSON.stringify(rules), rules_hash: rulesHash(rules), created_by: 'bench' }).returning('id');
  await k.raw(`insert into round_firms (round_id, firm_id, name, status) select ?, id, name, status from firms`, [round.id]);
  const [comp] = await k('computations').insert({ round_id: round.id, number: 1, rules_hash: rulesHash(rules), created_by: 'bench' }).returning('id');
  await k.raw(
    `insert into results (computation_id, firm_id, uscc, name, rank, composite, composite_exact, resident, regulator, street, households, complaints, responses, required_responses, list, flags, reasons, explanation)
     select ?, f.id, f.uscc, f.name, f.id, 9500 - (f.id * 4000 / ?), (9500 - (f.id * 4000 / ?))::text || '/100', 9000 - f.id % 2000, 8000 + f.id % 1500, 7000 + f.id % 3000, 1000, f.id % 30, 300, 278,
            case when f.id <= ? / 10 and f.id <= 3 then 'red' when f.id > ? - 2 then 'black' else null end,
            '[]'::jsonb, jsonb_build_array('综合得分 ' || ((9500 - (f.id * 4000 / ?)) / 100.0)::text || '，位列第 ' || f.id || ' 名'), '{"inputs":[],"rules":[]}'::jsonb
       from firms f`,
    [comp.id, FIRMS, FIRMS, FIRMS, FIRMS, FIRMS],
  );
  await k('rounds').where({ id: round.id }).update({ status: 'published', published_at: new Date() });
  console.log(JSON.stringify({ setup: `${FIRMS} firms published in ${Date.now() - t0} ms`, db: db.kind }));

  const logSink = createWriteStream('/dev/null');
  const app = createApp({ knex: k, dbKind: db.kind, log: (l) => logSink.write(`${l}\n`) });
  const ours = await listen(app);
  const pageUrl = `${ours.url}/api/v1/rounds/${CODE}/results?page=1&size=100`;
  const wholeUrl = `${ours.url}/api/v1/rounds/${CODE}/results.json`;
  const firstPage = await fetch(pageUrl, { headers: { 'accept-encoding': 'identity' } });
  const pageBody = Buffer.from(await firstPage.arrayBuffer());
  const first = await fetch(wholeUrl, { headers: { 'accept-encoding': 'identity' } });
  const body = Buffer.from(await first.arrayBuffer());
  console.log(JSON.stringify({ pageBytes: pageBody.length, pageStatus: firstPage.status, wholeBytes: body.length, wholeStatus: first.status, etag: first.headers.get('etag') }));

  const bareApp = express();
  bareApp.get('/page', (_req, res) => {
    res.type('application/json').send(pageBody);
  });
  bareApp.get('/results', (_req, res) => {
    res.type('application/json').send(body);
  });
  const bare = await listen(bareApp);
  const ratioOf = (app: { rps: number }, base: { rps: number }) => Math.round((app.rps / base.rps) * 1000) / 10;
  const verdict = (what: string, app: { rps: number; p99: number }, base: { rps: number }) => {
    const ratio = ratioOf(app, base);
    const ok = ratio >= 70 && app.p99 < 50;
    console.log(JSON.stringify({ what, ratioPercent: ratio, targetRatio: 70, p99: app.p99, targetP99: 50, ok, ...(ok ? {} : { note: '未达标' }) }));
  };

  // The paged route: page 1 of the ranking, as the public page and most scripts ask for it.
  const bp = await measure('bare express, page 1 from memory', `${bare.url}/page`);
  const ap = await measure('createApp /api/v1/rounds/:code/results?page=1&size=100', pageUrl);
  verdict('paged', ap, bp);

  // The whole ranking in one download.
  const b = await measure('bare express, whole results JSON from memory', `${bare.url}/results`);
  const a = await measure('createApp /api/v1/rounds/:code/results.json', wholeUrl);
  console.log(JSON.stringify({ what: 'whole', ratioPercent: ratioOf(a, b), p99: a.p99 }));
  // What a browser gets: it sends Accept-Encoding: gzip, and the published body is gzipped once, in the cache.
  const g = await measure('createApp /api/v1/rounds/:code/results.json, Accept-Encoding: gzip', wholeUrl, { 'accept-encoding': 'gzip, deflate, br' });
  console.log(JSON.stringify({ what: 'whole', gzip: true, ratioPercent: ratioOf(g, b), p99: g.p99 }));
  const r304 = await autocannon({ url: wholeUrl, connections: CONNECTIONS, duration: Math.max(3, Math.round(SECONDS / 2)), headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
  console.log(JSON.stringify({ name: 'createApp with If-None-Match (304)', rps: Math.round(r304.requests.average), p99: r304.latency.p99 }));

  await new Promise((resolve) => ours.server.close(resolve));
  await new Promise((resolve) => bare.server.close(resolve));
  await db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
