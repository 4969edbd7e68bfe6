/**
 * Two projects:
 * - unit: the pure code (domain, rules, file reading, report builders) — no database, no outside
 *   program; `npm run test:unit` runs it alone for the inner loop;
 * - integration: everything that needs a database, LibreOffice, Chromium or a large generated file,
 *   and the unit files that are slow for those reasons (listed below). Its databases are migrated
 *   once (test/support/global-setup.ts; kept between runs while the migrations are unchanged) and
 *   copied per test file.
 * `npm test` runs both.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] };

/** Unit files that run an outside program or a large input: they belong to the integration project. */
const SLOW_UNIT = [
  'domain/purity-lint', // runs ESLint over src/domain
  'reports/notices', // opens the .docx files with LibreOffice
  'reports/certificate', // reads the PDFs back with poppler
  'imports/xlsx-reader-large', // reads a 100,000-row workbook and refuses a 64 MB text node
  'imports/key-index-large', // fills the duplicate-household index with 300,000 keys
];
const slowUnit = SLOW_UNIT.map((name) => `${name}\\.test\\.ts$`).join('|');

/** @type {import('jest').Config} */
module.exports = {
  // PGlite costs 0.35–0.75 GB and 0.5–3 s per instance: at most two workers on this 2-core machine.
  maxWorkers: 2,
  testTimeout: 180000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', `/test/unit/(${slowUnit})`],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', `/test/unit/(?!(${slowUnit}))`],
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
