/**
 * PostgreSQL errors → DomainError, in the database layer (both pg and PGlite raise errors carrying
 * `code` = SQLSTATE, `constraint`, `table`, `detail`). Anything unrecognised is rethrown unchanged.
 */
import { DomainError } from '../domain/errors';

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  table?: unknown;
  detail?: unknown;
  hint?: unknown;
}

/** Chinese names of the tables a user can hit, for messages. */
const TABLE_LABELS: Record<string, string> = {
  streets: '街道',
  firms: '物业企业',
  projects: '项目',
  rounds: '评价周期',
  round_firms: '周期企业快照',
  round_projects: '周期项目快照',
  street_scores: '街道评分',
  regulator_scores: '行管部门评分',
  survey_summaries: '问卷汇总',
  survey_responses: '居民问卷',
  complaints: '投诉数',
  deductions: '扣分',
  events: '违规事件',
  imports: '导入记录',
  computations: '计算',
  results: '计算结果',
  objections: '异议',
  certificates: '荣誉证书',
  rectifications: '整改通知',
  interviews: '约谈',
  proposals: '建议',
  users: '用户',
  api_tokens: '访问令牌',
  sessions: '会话',
  audit_log: '审计日志',
};

/** The constraint names whose duplicates users meet, with the key in words. */
const UNIQUE_LABELS: Record<string, string> = {
  streets_pkey: '街道编码',
  firms_uscc_key: '统一社会信用代码',
  projects_code_key: '项目编号',
  rounds_code_key: '评价周期代码',
  users_name_key: '用户名',
  certificates_number_key: '证书编号',
  objections_round_firm_key: '同一周期同一企业的异议',
  computations_round_number_key: '计算序号',
  street_scores_current_key: '该项目本周期的街道评分',
  regulator_scores_current_key: '该企业本周期该部门的评分',
  survey_summaries_current_key: '该项目本周期的问卷汇总',
  complaints_current_key: '该项目本周期的投诉数',
  survey_responses_pkey: '同一周期同一项目的户号',
  proposals_round_firm_kind_key: '同一周期同一企业的同类建议',
  rectifications_round_firm_key: '同一周期同一企业的整改通知',
  certificates_round_firm_key: '同一周期同一企业的证书',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function tableLabel(table: string | null): string {
  return table === null ? '记录' : (TABLE_LABELS[table] ?? table);
}

/** Duck-typed rather than `instanceof Error`: PGlite's errors may come from another realm (tests). */
export function isPgError(error: unknown): error is PgErrorLike & Error {
  if (error === null || typeof error !== 'object') return false;
  const code = (error as PgErrorLike).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof (error as PgErrorLike).message === 'string';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The database went away or cannot be reached (restart, failover, network): SQLSTATE class 08 and
 * 57P01–57P03 (shutdown, crash, not yet accepting), socket errors, and pg's "Connection terminated".
 * The pool recovers by itself once the server is back (test/faults/db-restart.test.ts).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = String((error as { code?: unknown }).code ?? '');
  const message = String((error as { message?: unknown }).message ?? '');
  return /^(08...|57P0[123])$/.test(code) || UNREACHABLE.has(code) || /Connection terminated|Connection ended unexpectedly|Timeout acquiring a connection/i.test(message);
}

/** Returns the DomainError for a PostgreSQL error, or null when it is not one we translate. */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isDatabaseUnavailable(error)) {
    return new DomainError('DB_UNAVAILABLE', '数据库暂时无法连接（可能正在重启或网络中断），本次操作未完成，请稍后重试。', {
      reason: String((error as { message?: unknown }).message ?? ''),
    });
  }
  if (!isPgError(error)) return null;
  const code = error.code as string;
  const constraint = str(error.constraint);
  const table = str(error.table);
  const detail = str(error.detail);
  const message = str(error.message) ?? '';
  const details = { sqlstate: code, constraint, table, detail };
  if (message.includes('ROUND_IMMUTABLE')) {
    return new DomainError('ROUND_IMMUTABLE', '评价周期已正式发布，其结果和录入数据不可修改或删除。', { ...details, reason: message });
  }
  if (message.includes('AUDIT_APPEND_ONLY')) {
    return new DomainError('ROUND_IMMUTABLE', '审计日志只能追加，不能修改或删除。', { ...details, reason: message });
  }
  switch (code) {
    case '23505': {
      const key = (constraint !== null ? UNIQUE_LABELS[constraint] : undefined) ?? `${tableLabel(table)}的唯一键`;
      const value = detail?.match(/=\((.*)\)/)?.[1];
      return new DomainError('ALREADY_EXISTS', `${key}已存在${value !== undefined ? `：${value}` : ''}。`, details);
    }
    case '23503':
      return new DomainError(
        'INPUT_INVALID',
        detail?.includes('is still referenced')
          ? `${tableLabel(table)}仍被其他记录引用，不能删除（约束 ${constraint ?? '未知'}）。`
          : `${tableLabel(table)}引用的记录不存在（约束 ${constraint ?? '未知'}${detail !== null ? `：${detail}` : ''}）。`,
        details,
      );
    case '23514':
      return new DomainError('INPUT_INVALID', `${tableLabel(table)}的取值不符合约束 ${constraint ?? '未知'}。`, details);
    case '23502':
      return new DomainError('INPUT_INVALID', `${tableLabel(table)}缺少必填字段${str((error as { column?: unknown }).column) ?? ''}。`, details);
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new DomainError('INPUT_INVALID', `数据格式或范围无效：${message}`, details);
    default:
      return null;
  }
}

/** Rethrows a PostgreSQL error as a DomainError where one applies. */
export function rethrowDomain(error: unknown): never {
  throw toDomainError(error) ?? error;
}

/** Runs `work` and translates database errors. */
export async function translatingDbErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return rethrowDomain(error);
  }
}
