/**
 * Three projects:
 * - unit: the pure code (domain, rules, file reading, report builders) — no database, no outside
 *   program; `npm run test:unit` runs it alone for the inner loop;
 * - integration: the database, the HTTP API and pages in process, the CLI in process;
 *   `npm run test:quick` runs it with unit;
 * - slow: what runs outside programs, replays the bad-input corpus or reads large inputs (listed
 *   below).
 * The databases of the last two start from states built once (test/support/global-setup.ts: after
 * initdb, migrated, migrated with the HTTP tests' city; kept between runs while what they depend on
 * is unchanged), copied per test file.
 * `npm test` runs all three.
 */
/**
 * Test files run in plain Node (jest-light-runner: long-lived worker threads, two per project), not
 * each in a fresh `vm` sandbox: the program's modules (express, knex, exceljs, pdfkit…) load once
 * per worker instead of once per file, and library code runs at Node's own speed. Each worker reads
 * the TypeScript through tsx (test/support/typescript.mjs); jest itself loads only the global setup,
 * through the `--import tsx` of `npm run jest`. (The runner's child-process mode is not used: a
 * second worker could miss its start-up message and wait forever.) What jest's sandbox gave and this
 * does not: module mocks (none are used), a fresh copy of each helper module per file (helpers keep
 * no per-file state: the `hhb` harness's databases are closed by each file's
 * `afterAll(closeCliDatabases)`), and per-test timeouts (test/support/hang-watch.js fails a run
 * whose file hangs).
 */
const inPlainNode = {
  runner: 'jest-light-runner',
  setupFiles: ['<rootDir>/test/support/typescript.mjs'],
  transform: {},
};

/**
 * Files that run an outside program (LibreOffice, Chromium, poppler, ESLint, `hhb` as its own
 * process), replay the bad-input corpus, kill or restart things, or read a large generated input:
 * they make up most of the suite's time and belong to the project `slow`.
 */
const SLOW = [
  'unit/domain/purity-lint', // runs ESLint over src/domain
  'unit/reports/notices', // opens the .docx files with LibreOffice
  'unit/reports/certificate', // reads the PDFs back with poppler
  'unit/imports/xlsx-reader-large', // reads a 100,000-row workbook and refuses a 64 MB text node
  'unit/imports/key-index-large', // fills the duplicate-household index with 300,000 keys
  'bad-inputs/.*', // every bad file and request, through the CLI and HTTP, on both databases
  'e2e/.*', // pages in Chromium
  'survey/phone', // the phone questionnaire in Chromium
  'faults/.*', // killed imports, concurrent writers, a restarted server
  'real-clients/.*', // files saved by LibreOffice and openpyxl, and GBK CSVs
  'cli/demo', // `hhb demo` as a newcomer runs it, as its own process, and its workbooks opened in LibreOffice
  'cli/readme', // every `hhb` line of the README on a demo database
  'cli/round-cycle', // whole rounds through the CLI on both databases
  'unit/hang-watch', // runs jest on a test that hangs
];
const slow = `/test/(${SLOW.map((name) => `${name}\\.test\\.ts$`).join('|')})`;
const slowUnit = SLOW.filter((name) => name.startsWith('unit/')).map((name) => `${name.slice('unit/'.length)}\\.test\\.ts$`).join('|');
const globalSetup = '<rootDir>/test/support/global-setup.ts';

/** @type {import('jest').Config} */
module.exports = {
  // PGlite costs 0.35–0.75 GB and 0.5–3 s per instance: at most two workers on this 2-core machine.
  maxWorkers: 2,
  // Long files start first, also in a fresh clone with no timings on record (see the file).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // A file running for ten minutes is hung: the run fails naming it (see the file).
  reporters: ['default', '<rootDir>/test/support/hang-watch.js'],
  projects: [
    {
      displayName: 'unit',
      ...inPlainNode,
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', `/test/unit/(${slowUnit})`],
    },
    {
      displayName: 'integration',
      ...inPlainNode,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/unit/', slow],
      globalSetup,
    },
    {
      displayName: 'slow',
      ...inPlainNode,
      roots: ['<rootDir>/test'],
      testRegex: [slow],
      testPathIgnorePatterns: ['/node_modules/'],
      globalSetup,
    },
  ],
};
