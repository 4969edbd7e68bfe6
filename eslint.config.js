// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** What the functional core may never touch: IO, the clock, the environment. */
const domainForbidden = {
  paths: ['knex', 'pg', 'pg-copy-streams', '@electric-sql/pglite', 'knex-pglite', 'fs', 'node:fs', 'fs/promises',
    'node:fs/promises', 'express', 'exceljs', 'child_process', 'node:child_process', 'net', 'node:net', 'http', 'node:http',
    'process', 'node:process', 'os', 'node:os'].map((name) => ({ name, message: 'src/domain 是纯函数核心：不得依赖 IO、数据库、HTTP 或环境。' })),
  patterns: [{ group: ['../app/*', '../db/*', '../http/*', '../reports/*', '../config', '../../cli/*', '../rules/*'],
    message: 'src/domain 只能引用 src/domain 内的模块。' }],
};

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'reports/**', 'coverage/**', 'eslint.config.js', 'jest.config.js', 'bin/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', domainForbidden],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/domain 不得读取环境变量或进程状态。' },
        { name: 'fetch', message: 'src/domain 不得做网络请求。' }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: '时间须作为参数传入 src/domain。' },
        { object: 'Math', property: 'random', message: 'src/domain 必须确定：随机数须由调用方传入。' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: '时间须作为参数传入 src/domain。' }],
    },
  },
);
