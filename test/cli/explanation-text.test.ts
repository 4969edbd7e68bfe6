/**
 * SPEC §5.12, word for word, on the sample city: `hhb explain --json` of every firm of every round
 * of `hhb demo --year 2024` reads exactly as it did when the engine wrote every explanation out in
 * full, before explanations were stored as facts. The digests were taken from that program on the
 * same demo database (test/support/demo-database.ts); the generated province's counterpart is
 * test/unit/domain/explanation-text.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDatabase } from '../support/demo-database';
import { hhbOk, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

/** Each round's firms' `explain --json`, in `results --json` order, hashed. */
const RECORDED: Record<string, string> = {
  '2024-H1': '35 fc8f60ba07a4ad236ca2a482502378681f1110180c2ab5da5535698ad3e39e2a',
  '2024-H2': '35 46b2d8314bf971faa641f58d9b75fa7febff5e50cef4554edf307d29acc22ac4',
  '2024-Y': '35 41ac842f569813af061510ee8f293dd8dc1b0aac37950e32a130517730f30eb6',
};

describe('explanations of the demo read word for word as before', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-explain-text-'));
  const db = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('for every firm of every computed round', async () => {
    await demoDatabase(db, 2024);
    const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir });
    const rounds = JSON.parse((await ok('rounds', 'list', '--json')).stdout) as { code: string; status: string }[];
    const digests: Record<string, string> = {};
    for (const round of rounds.filter((r) => ['computed', 'publicized', 'published'].includes(r.status))) {
      const firms = (JSON.parse((await ok('results', round.code, '--json')).stdout) as { firms: { uscc: string }[] }).firms;
      const hash = createHash('sha256');
      for (const f of firms) hash.update((await ok('explain', round.code, f.uscc, '--json')).stdout);
      digests[round.code] = `${firms.length} ${hash.digest('hex')}`;
    }
    expect(digests).toEqual(RECORDED);
  }, 600_000);
});
