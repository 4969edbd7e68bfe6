/**
 * SPEC §2 in one place: who may do what. Routes name one of these; handlers call the scope checks.
 */
import type { Principal, Role } from '../app/accounts';
import type { RoundDataKind } from '../app/import-round-data';
import type { TemplateKind } from '../app/templates';
import { DomainError } from '../domain/errors';
import type { RoundStatus } from '../domain/types';

export const ADMIN: readonly Role[] = ['admin'];
/** 住建局: everything of a round; admin may do everything bureau may. */
export const BUREAU: readonly Role[] = ['admin', 'bureau'];
export const STAFF: readonly Role[] = ['admin', 'bureau', 'regulator', 'street'];
export const ANY_ACCOUNT: readonly Role[] = ['admin', 'bureau', 'regulator', 'street', 'firm'];
export const STREET_SCORE_WRITERS: readonly Role[] = ['admin', 'bureau', 'street'];
export const REGULATOR_WRITERS: readonly Role[] = ['admin', 'bureau', 'regulator'];
/** 异议: a firm objects for itself; the bureau may file for a firm and decides. */
export const OBJECTION_PARTIES: readonly Role[] = ['admin', 'bureau', 'firm'];

export const ROUND_IMPORT_ROLES: Record<RoundDataKind, readonly Role[]> = {
  street: STREET_SCORE_WRITERS,
  regulator: REGULATOR_WRITERS,
  deductions: REGULATOR_WRITERS,
  events: REGULATOR_WRITERS,
  resident: BUREAU,
  'resident-summary': BUREAU,
  complaints: BUREAU,
};

export const TEMPLATE_ROLES: Record<TemplateKind, readonly Role[]> = {
  'street-scores': STREET_SCORE_WRITERS,
  'regulator-scores': REGULATOR_WRITERS,
  deductions: REGULATOR_WRITERS,
  events: REGULATOR_WRITERS,
  streets: BUREAU,
  firms: BUREAU,
  projects: BUREAU,
  'survey-summary': BUREAU,
  'survey-responses': BUREAU,
  complaints: BUREAU,
  history: BUREAU,
};

export function requireRole(user: Principal | null, roles: readonly Role[], what: string): Principal {
  if (!user) throw new DomainError('UNAUTHENTICATED', '请先登录。');
  if (!roles.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）无权${what}。`, { role: user.role, allowed: roles });
  return user;
}

/** The public sees published rounds only; staff and firms see the rounds listed here. */
export function visibleStatuses(user: Principal | null): readonly RoundStatus[] | 'all' {
  if (!user) return ['published'];
  if (user.role === 'firm') return ['publicized', 'published'];
  return 'all';
}

/**
 * A round's full results (every firm): published → anyone; computed or publicized → bureau. During
 * the notice period the public sees the draft lists on the public page only (SPEC §2 with §6).
 */
export function requireResultsAccess(user: Principal | null, code: string, status: RoundStatus): void {
  if (status === 'published') return;
  if (!user) throw new DomainError('UNAUTHENTICATED', `评价周期 ${code} 尚未发布，请先登录。`);
  if (!BUREAU.includes(user.role)) throw new DomainError('FORBIDDEN', `评价周期 ${code} 尚未发布，当前账号（${user.name}）无权查看其结果。`);
}

/**
 * One firm's explanation (inputs and rules): bureau for any computed round; the firm itself for its
 * own result once publicized (公示) or published.
 */
export function requireFirmAccess(user: Principal | null, code: string, status: RoundStatus, uscc: string): void {
  if (!user) throw new DomainError('UNAUTHENTICATED', '请先登录。');
  if (BUREAU.includes(user.role)) return;
  if (user.role === 'firm') {
    if (user.firmUscc !== uscc) throw new DomainError('FORBIDDEN', `企业账号只能查看本企业（${user.firmUscc}）的评分卡。`);
    if (status === 'publicized' || status === 'published') return;
    throw new DomainError('FORBIDDEN', `评价周期 ${code} 尚未公示，暂不能查看评分卡。`);
  }
  throw new DomainError('FORBIDDEN', `当前账号（${user.name}）无权查看企业的评分明细。`);
}

/** A street account acts for its own street only. */
export function streetScopeOf(user: Principal, requested?: string | undefined): string | undefined {
  if (user.role !== 'street') return requested;
  if (requested !== undefined && requested !== user.street) {
    throw new DomainError('FORBIDDEN', `街道账号只能查看和录入本街道（${user.street}）的项目。`, { street: requested });
  }
  return user.street ?? undefined;
}

/** The firm an objection is filed for: a firm account's own, or the one the bureau names. */
export function objectingFirm(user: Principal, requested?: string | undefined): string {
  if (user.role === 'firm') {
    if (requested !== undefined && requested !== user.firmUscc) throw new DomainError('FORBIDDEN', `企业账号只能为本企业（${user.firmUscc}）提出异议。`, { uscc: requested });
    return user.firmUscc as string;
  }
  if (requested === undefined) throw new DomainError('INPUT_INVALID', '住建局代企业提出异议时须写明企业的统一社会信用代码（uscc）。', [{ row: null, column: 'body.uscc', message: '缺少企业' }]);
  return requested;
}
