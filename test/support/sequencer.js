/**
 * The order test files start in. Jest starts the files that took longest last time first, so that
 * no worker is left with a long file at the end while the others idle; without that record (a
 * fresh clone, as in CI) it goes by file size, and a short file that drives LibreOffice or builds
 * the demo can start last and keep the run waiting. Here, files without a record start with the
 * project `slow` (jest.config.js), largest first, then the rest by size; with a record, jest's order.
 *
 * HHB_TEST_ORDER_SEED=<number> starts the files in an order shuffled by that seed instead: files of
 * one worker share its modules and its waiting PGlite instances, so a file that passes only after
 * certain others shows up here rather than in CI's order one day.
 */
const Sequencer = require('@jest/test-sequencer').default;
// jest runs with tsx (`npm run jest`), so the TypeScript helper loads here too.
const { seeded } = require('./seeded.ts');

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const seed = process.env.HHB_TEST_ORDER_SEED;
    if (seed !== undefined && seed !== '') {
      if (!/^\d+$/.test(seed)) throw new Error(`HHB_TEST_ORDER_SEED must be a whole number, not ${seed}`);
      const random = seeded(Number(seed));
      const order = [...tests].sort((a, b) => a.path.localeCompare(b.path));
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      process.stderr.write(`test files in the order of seed ${seed}\n`);
      return order;
    }
    const sorted = super.sort(tests);
    const slow = (test) => test.duration == null && test.context.config.displayName?.name === 'slow';
    return [...sorted.filter(slow), ...sorted.filter((test) => !slow(test))];
  }
}

module.exports = SlowFirstSequencer;
