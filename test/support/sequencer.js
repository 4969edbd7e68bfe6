/**
 * The order test files start in. Jest starts the files that took longest last time first, so that
 * no worker is left with a long file at the end while the others idle; without that record (a
 * fresh clone, as in CI) it goes by file size, and a short file that drives LibreOffice or builds
 * the demo can start last and keep the run waiting. Here, files without a record start with the
 * project `slow` (jest.config.js), largest first, then the rest by size; with a record, jest's order.
 */
const Sequencer = require('@jest/test-sequencer').default;

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const slow = (test) => test.duration == null && test.context.config.displayName?.name === 'slow';
    return [...sorted.filter(slow), ...sorted.filter((test) => !slow(test))];
  }
}

module.exports = SlowFirstSequencer;
