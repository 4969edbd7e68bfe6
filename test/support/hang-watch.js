/**
 * A jest reporter that fails the run when one test file runs far longer than any of ours does (a
 * hung test). The files run in plain Node (jest-light-runner), where jest's per-test timeouts do not
 * apply: without this, a hung test would hold the run until CI's own limit, naming nothing. It names
 * the file and ends jest with exit code 1 (`npm test` then stops tsc and ESLint too).
 *
 * The longest file takes under a minute on a quiet machine and a few on a busy one; the limit is ten.
 * HHB_TEST_FILE_LIMIT_SECONDS sets another (the test of this reporter uses two seconds).
 */
const LIMIT_SECONDS = Number(process.env.HHB_TEST_FILE_LIMIT_SECONDS || 600);
const CHECK_EVERY_MS = Math.min(5000, LIMIT_SECONDS * 250);

class HangWatch {
  constructor() {
    /** Test file → when it started (ms). */
    this.running = new Map();
    this.timer = null;
  }

  onTestFileStart(test) {
    this.running.set(test.path, Date.now());
    if (this.timer === null) {
      this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
      this.timer.unref();
    }
  }

  onTestFileResult(test) {
    this.running.delete(test.path);
  }

  onRunComplete() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  check() {
    for (const [path, since] of this.running) {
      const seconds = Math.round((Date.now() - since) / 1000);
      if (seconds > LIMIT_SECONDS) {
        process.stderr.write(`\n测试文件 ${path} 已运行 ${seconds} 秒，超过 ${LIMIT_SECONDS} 秒的上限：判定为挂起，本次测试失败。\n`);
        process.exit(1);
      }
    }
  }

  getLastError() {
    return undefined;
  }
}

module.exports = HangWatch;
