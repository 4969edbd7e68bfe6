/**
 * Environment → one frozen, typed config. Read once at the edge (cli, server); nothing else reads
 * process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import { DomainError } from './domain/errors';

export type DatabaseConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface Config {
  readonly database: Readonly<DatabaseConfig>;
  readonly port: number;
  /** Minutes without a request after which a web session ends. */
  readonly sessionIdleMinutes: number;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

const envSchema = z.object({
  DATABASE_URL: z.string().trim().optional(),
  HHB_DATA_DIR: z.string().trim().optional(),
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, '端口必须是 1–65535 的整数')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, '端口必须是 1–65535 的整数')
    .optional(),
  HHB_SESSION_IDLE_MINUTES: z
    .string()
    .trim()
    .regex(/^\d+$/, '应为 5–720 的整数（分钟）')
    .transform(Number)
    .refine((n) => n >= 5 && n <= 720, '应为 5–720 的整数（分钟）')
    .optional(),
});

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `--db postgres://…` or DATABASE_URL selects PostgreSQL; otherwise embedded PGlite stored in
 * `--db <path>`, HHB_DATA_DIR or ./data. PORT defaults to 3000, HHB_SESSION_IDLE_MINUTES to 30.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { db?: string } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new DomainError('INPUT_INVALID', `环境变量 ${key} 无效：${issue?.message ?? ''}`, { key });
  }
  const e = parsed.data;
  const db = nonEmpty(overrides.db?.trim());
  const url = db !== undefined && POSTGRES_URL.test(db) ? db : db === undefined ? nonEmpty(e.DATABASE_URL) : undefined;
  let database: DatabaseConfig;
  if (url !== undefined) {
    if (!POSTGRES_URL.test(url)) {
      throw new DomainError('INPUT_INVALID', `DATABASE_URL 必须以 postgres:// 或 postgresql:// 开头：${url}`, { key: 'DATABASE_URL' });
    }
    database = Object.freeze({ kind: 'postgres', url });
  } else {
    database = Object.freeze({ kind: 'pglite', dataDir: path.resolve(db ?? nonEmpty(e.HHB_DATA_DIR) ?? './data') });
  }
  return Object.freeze({ database, port: e.PORT ?? 3000, sessionIdleMinutes: e.HHB_SESSION_IDLE_MINUTES ?? 30 });
}
