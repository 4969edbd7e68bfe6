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

/**
 * Use cases name what they need; the SQL is in the repositories of src/db. Query building in src/app:
 * a knex value import, a call of a query builder (`trx('table')`, `db('table')`, `ctx.knex('table')`)
 * or of one of its methods. `join`, `update` and `delete` only as knex uses them (two arguments to a
 * join; an update or delete chained on a call other than createHash/createHmac), not Array#join, Hash#update or
 * Map#delete.
 */
const appSql = '用例（src/app）不写 SQL：查询放在 src/db 的仓储模块中，用例只调用其函数（事务可用 ctx.knex.transaction 传给仓储）。';
const appForbidden = {
  imports: { paths: [{ name: 'knex', allowTypeImports: true, message: appSql }] },
  syntax: [
    { selector: "CallExpression[callee.property.name=/^(raw|whereRaw|where|whereIn|whereNull|whereNotNull|orWhere|insert|del|select|from|leftJoin|innerJoin|orderBy|orderByRaw|groupBy|first|pluck|forUpdate|returning|onConflict|merge)$/]", message: appSql },
    { selector: "CallExpression[callee.property.name='join'][arguments.length>1]", message: appSql },
    { selector: "CallExpression[callee.property.name=/^(update|delete)$/][callee.object.type='CallExpression'][callee.object.callee.name!=/^create(Hash|Hmac)$/]", message: appSql },
    { selector: "CallExpression[callee.type='Identifier'][callee.name=/^(trx|db|k|knex)$/]", message: appSql },
    { selector: "CallExpression[callee.property.name='knex']", message: appSql },
  ],
};

/**
 * The HTTP layer calls use cases, never the database: no value import from src/db (types are fine).
 * Where errors are answered, the SQLSTATE translation is read (error-handler.ts).
 */
const httpForbidden = {
  patterns: [{ group: ['../db/*', '../../db/*'], allowTypeImports: true, message: 'src/http 只调用 src/app 的用例，不直接访问数据库（src/db）。' }],
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
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', appForbidden.imports],
      'no-restricted-syntax': ['error', ...appForbidden.syntax],
    },
  },
  {
    files: ['src/http/**/*.ts'],
    ignores: ['src/http/error-handler.ts'],
    rules: { 'no-restricted-imports': ['error', httpForbidden] },
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
  {
    // The few CommonJS files jest loads itself (its configuration, test sequencer and reporter).
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
