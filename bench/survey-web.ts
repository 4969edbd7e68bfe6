/**
 * Online survey bench: `DATABASE_URL=postgres://… npx tsx bench/survey-web.ts [households=1000] [connections=100] [repeat=0.2]`.
 *
 * On an empty PostgreSQL database (or an in-memory PGlite without DATABASE_URL): one open round, one
 * project of N households, N codes issued; then `connections` concurrent residents POST
 * /api/v1/survey/responses through createApp until every code has answered once and a share
 * `repeat` of them a second time (replacing). Prints accepted answers per second, p50/p99 latency,
 * peak RSS, and the count check: rows stored = distinct codes, replacements counted once.
 * Target (SPEC §10, PostgreSQL, this 2-core machine): ≥ 500 answers/s, p99 < 200 ms, none lost.
 *
 * On PostgreSQL the server is `hhb serve` in its own process, as a bureau runs it, so the load
 * generator does not share the server's event loop; peak RSS is then the server's (VmHWM). Without
 * DATABASE_URL (in-memory PGlite) the app runs in this process.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { openRound, createRound } from '../src/app/rounds';
import { setSetting } from '../src/app/settings';
import { issueSurveyCodes } from '../src/app/survey-codes';
import { createDb } from '../src/db/knex-factory';
import { createApp } from '../src/http/app';

const HOUSEHOLDS = Number(process.argv[2] ?? 1000);
const CONNECTIONS = Number(process.argv[3] ?? 100);
const REPEAT = Number(process.argv[4] ?? 0.2);
const ITEMS = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'];
const LEVELS = ['非常满意', '满意', '一般', '不满意', '非常不满意'];

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const db = url ? await createDb({ kind: 'postgres', url }) : await createDb({ kind: 'pglite', dataDir: '' }, { inMemory: true });
  const k = db.knex;
  const ctx = { knex: k, dbKind: db.kind, actor: 'bench', now: () => new Date() };
  await k('streets').insert({ code: 'B1', name: '测评街道' });
  const [firm] = (await k('firms').insert({ uscc: '91220000MA00000000', name: '测评物业' }).returning('id')) as { id: number }[];
  await k('projects').insert({ code: 'BENCH', name: '测评小区', street_code: 'B1', firm_id: firm?.id, households: HOUSEHOLDS });
  await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
  await createRound(ctx, { code: '2025-H1' });
  await openRound(ctx, '2025-H1');
  const t0 = Date.now();
  const codes = (await issueSurveyCodes(ctx, { round: '2025-H1' })).codes.map((c) => c.code);
  console.log(JSON.stringify({ db: db.kind, households: HOUSEHOLDS, issueMs: Date.now() - t0 }));

  const again = Math.round(codes.length * REPEAT);
  const bodies = [...codes, ...codes.slice(0, again)].map((code, i) =>
    JSON.stringify({ code, answers: Object.fromEntries(ITEMS.map((item, n) => [item, LEVELS[(i + n) % 5]])), comment: i % 10 === 0 ? '电梯维修要及时。' : undefined }),
  );
  const logSink = createWriteStream('/dev/null');
  // Every resident from its own address: the wrong-code limit is not what is measured.
  let base: string;
  let stop: () => Promise<void>;
  let serverRss: () => number;
  if (url) {
    const child = spawn(process.execPath, [join(__dirname, '..', 'bin', 'hhb.js'), 'serve', '--db', url, '--host', '127.0.0.1', '--port', '0', '--trust-proxy'], { stdio: ['ignore', 'pipe', 'ignore'] });
    base = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`hhb serve exited (${code})`)));
      child.stdout.on('data', (chunk: Buffer) => {
        const port = /localhost:(\d+)/.exec(chunk.toString('utf8'))?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
    });
    const hwm = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    serverRss = hwm;
    stop = async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    };
  } else {
    const app = createApp({ knex: k, dbKind: db.kind, log: (l) => logSink.write(`${l}\n`), trustProxy: true });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    serverRss = () => process.memoryUsage().rss;
    stop = async () => {
      server.close();
    };
  }

  let peakRss = serverRss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, serverRss());
  }, 50);
  let next = 0;
  const started = Date.now();
  const r = await autocannon({
    url: `${base}/api/v1/survey/responses`,
    connections: CONNECTIONS,
    amount: bodies.length,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = next++;
          return { ...req, body: bodies[i % bodies.length], headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } };
        },
      },
    ],
  });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const stored = Number(((await k('survey_responses').count({ n: '*' })) as { n: unknown }[])[0]?.n);
  const online = (await k('survey_online_answers').sum({ s: 'submissions' }).first()) as { s: unknown };
  const history = Number(((await k('survey_response_history').count({ n: '*' })) as { n: unknown }[])[0]?.n);
  console.log(
    JSON.stringify({
      requests: bodies.length,
      status2xx: r['2xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      answersPerSecond: Math.round(r['2xx'] / seconds),
      p50: r.latency.p50,
      p99: r.latency.p99,
      peakRssMb: Math.round(peakRss / 1e6),
      stored,
      distinctCodes: codes.length,
      replacedKept: history,
      submissions: Number(online.s),
      countsOk: stored === codes.length && history === again && Number(online.s) === bodies.length,
    }),
  );
  await stop();
  await db.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
