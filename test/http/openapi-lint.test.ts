/**
 * `@redocly/cli lint` (its recommended rules, redocly.yaml) finds no error and no warning in the
 * API document the server serves. `npm run lint:openapi` runs this file. Offline: the CLI sends no
 * usage data and checks for no update; the document is written to a temporary file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import request from 'supertest';
import { createApp } from '../../src/http/app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

it('redocly lint reports no problem in /api/openapi.json', async () => {
  // The document needs no database: an unconnected client is enough to build the app.
  const knex = knexFactory({ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' });
  const dir = mkdtempSync(join(tmpdir(), 'hhb-openapi-'));
  try {
    const res = await request(createApp({ knex, dbKind: 'postgres', log: () => {} })).get('/api/openapi.json');
    expect(res.status).toBe(200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(res.body, null, 2));
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const cli = join(ROOT, 'node_modules', '.bin', 'redocly');
    const out = await run(cli, ['lint', file, '--format=json', `--config=${join(ROOT, 'redocly.yaml')}`], { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
      (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );
    const report = JSON.parse(out.stdout) as LintReport;
    expect(report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await knex.destroy();
  }
}, 60_000);
