/**
 * The functional core may import nothing outside src/domain: the ESLint rule that enforces it works.
 * ESLint is run programmatically (`new ESLint({ cwd }).lintText(...)`) in a child Node process,
 * because ESLint loads eslint.config.js with a dynamic import(), which jest's module sandbox refuses.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

const cwd = path.resolve(__dirname, '../../..');

const SCRIPT = `
const { ESLint } = require('eslint');
const [code, filePath] = JSON.parse(process.argv[1]);
new ESLint({ cwd: process.cwd() })
  .lintText(code, { filePath })
  .then((results) => process.stdout.write(JSON.stringify(results[0].messages)))
  .catch((e) => { console.error(e); process.exit(1); });
`;

function lint(code: string, filePath: string): LintMessage[] {
  const out = execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify([code, path.join(cwd, filePath)])], { cwd, encoding: 'utf8' });
  return JSON.parse(out) as LintMessage[];
}

describe('the domain purity lint rule', () => {
  it('rejects a database import in src/domain', () => {
    const messages = lint("import knex from 'knex';\nexport const k = knex;\n", 'src/domain/x.ts');
    expect(messages).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'no-restricted-imports', severity: 2 })]));
  });

  it('rejects an import of the rules layer and reading the clock in src/domain', () => {
    const messages = lint("import { parseRules } from '../rules/parse-rules';\nexport const t = Date.now() + String(parseRules);\n", 'src/domain/y.ts');
    expect(messages.map((m) => m.ruleId)).toEqual(expect.arrayContaining(['no-restricted-imports', 'no-restricted-properties']));
  });

  it('allows the same import outside src/domain', () => {
    const messages = lint("import knex from 'knex';\nexport const k = knex;\n", 'src/db/x.ts');
    expect(messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});
