/**
 * test/support/hang-watch.js, the reporter that fails a run whose test file hangs (the light runner
 * enforces no per-test timeout): jest run on a test that never ends, with a two-second limit, stops
 * with exit code 1 and names the file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function jest(config: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', config, '--ci'],
      { cwd: ROOT, env: { ...process.env, HHB_TEST_FILE_LIMIT_SECONDS: '2' }, timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr, ms: Date.now() - started }),
    );
  });
}

describe('a test file that hangs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-hang-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails the run within seconds of the limit, naming the file', async () => {
    const config = join(dir, 'jest.config.js');
    writeFileSync(
      config,
      `module.exports = ${JSON.stringify({
        rootDir: ROOT,
        runner: 'jest-light-runner',
        setupFiles: ['<rootDir>/test/support/typescript.mjs'],
        transform: {},
        testMatch: ['<rootDir>/test/fixtures/hang/*.fixture.ts'],
        reporters: ['default', '<rootDir>/test/support/hang-watch.js'],
      })};\n`,
    );
    const run = await jest(config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/测试文件 .*hangs\.fixture\.ts 已运行 \d+ 秒，超过 2 秒的上限：判定为挂起/);
    expect(run.ms).toBeLessThan(60_000);
  }, 120_000);
});
