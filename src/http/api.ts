/**
 * The JSON API under /api/v1 (SPEC §7): everything the CLI does, with SPEC §2's role and scope
 * checks on every route (policy.ts). Each handler parses (route.ts), calls one use case, presents.
 */
import { Router } from 'express';
import { addUser, createToken, listUsers, type Principal, setUserDisabled, resetPassword } from '../app/accounts';
import { readAuditLog, verifyAuditLog } from '../app/audit-log';
import { firmHistory } from '../app/firm-history';
import { decideProposal, listInterviews, listProposals, listRectifications, recordInterview, recordReinspection, reportRectification } from '../app/follow-up';
import { importMasterData } from '../app/import-master-data';
import { importRoundData } from '../app/import-round-data';
import { decideObjection, fileObjection, listObjections } from '../app/objections';
import { buildReportData } from '../app/report';
import { resultsPage } from '../app/ranking';
import { explainFirm, getRoundResults, toFirmJson, toResultsJson } from '../app/results';
import {
  closeRound,
  computeRound,
  createRound,
  listRounds,
  openRound,
  publicizeRound,
  publishRound,
  reopenRound,
  roundCompletenessReport,
  roundStatus,
  type CompletenessSummary,
} from '../app/rounds';
import { enterRegulatorScore, enterStreetScores, streetProjects } from '../app/score-entry';
import { simulateRound, toSimulationJson } from '../app/simulate';
import { writeEntryTemplate } from '../app/templates';
import type { RoundCompleteness } from '../db/completeness';
import { findStreetByCodeOrName } from '../app/streets';
import { DomainError } from '../domain/errors';
import type { RoundStatus } from '../domain/types';
import { countLists } from '../domain/list-counts';
import { renderRoundCharts, renderScoreCard } from '../reports/charts';
import { writeRoundWorkbook } from '../reports/workbook';
import type { ResolvedDeps } from './deps';
import { ADMIN, ANY_ACCOUNT, BUREAU, OBJECTION_PARTIES, objectingFirm, REGULATOR_WRITERS, ROUND_IMPORT_ROLES, STAFF, STREET_SCORE_WRITERS, TEMPLATE_ROLES, requireFirmAccess, requireResultsAccess, requireRole, streetScopeOf, visibleStatuses } from './policy';
import { type PublishedCache, cachedBody, sendCached } from './published-cache';
import { type RouteRegistry, route } from './route';
import * as S from './schemas';
import { uploadMiddleware } from './uploads';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Completeness as a street account may see it: its own street's projects only. */
export function completenessFor(user: Principal, report: CompletenessSummary): unknown {
  const detail = report.detail as RoundCompleteness | null;
  if (user.role !== 'street' || detail === null) return { round: report.round, problems: report.problems, insufficientSample: report.insufficientSample, detail };
  const mine = <T extends { street: string }>(list: T[]) => list.filter((x) => x.street === user.street);
  return {
    round: report.round,
    problems: [],
    detail: {
      byStreet: mine(detail.byStreet),
      projectsWithoutStreetScore: mine(detail.projectsWithoutStreetScore),
      projectsWithoutResident: mine(detail.projectsWithoutResident),
    },
  };
}

/**
 * Rounds the caller may see: staff all; firms and the public also a publicized round, whose draft
 * lists the public page shows during the notice period (SPEC §6) — the full ranking stays behind
 * the results route until publication.
 */
function roundVisible(user: Principal | null, status: RoundStatus): boolean {
  const visible = visibleStatuses(user);
  return visible === 'all' || visible.includes(status) || status === 'publicized';
}

const contentDisposition = (fileName: string): string => `attachment; filename="download${fileName.slice(fileName.lastIndexOf('.'))}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export function apiRouter(deps: ResolvedDeps, registry: RouteRegistry, cache: PublishedCache): Router {
  const r = Router();
  const upload = uploadMiddleware(deps.uploadMaxBytes);
  const ctx = deps.ctxOf;
  /** A street a query names by code or name (SPEC §7), as its code; unknown: 404 with the nearest names. */
  const streetCodeOf = async (res: Parameters<typeof ctx>[0], street: string | undefined): Promise<string | undefined> =>
    street === undefined ? undefined : (await findStreetByCodeOrName(ctx(res), street)).code;

  // ---- accounts ----
  route(r, registry, { method: 'get', path: '/me', operationId: 'getCurrentUser', response: S.MeResponse, summary: '当前账号', tags: ['账号'], access: ANY_ACCOUNT }, async ({ user }) => ({ user }));
  route(r, registry, { method: 'get', path: '/users', operationId: 'listUsers', response: S.UsersResponse, summary: '用户列表', tags: ['账号'], access: ADMIN }, async (_i, _q, res) => ({ users: await listUsers(ctx(res)) }));
  route(r, registry, { method: 'post', path: '/users', operationId: 'addUser', status: 201, response: S.AddUserResponse, summary: '新增用户（未给密码时生成一个，仅显示一次）', tags: ['账号'], access: ADMIN, body: S.AddUserBody }, async ({ body }, _q, res) => {
    const out = await addUser(ctx(res), body);
    return { user: out.user, ...(out.generated ? { password: out.password } : {}) };
  });
  route(r, registry, { method: 'post', path: '/users/:name/disable', operationId: 'disableUser', response: S.DisableUserResponse, summary: '停用账号（会话结束、令牌作废）', tags: ['账号'], access: ADMIN, params: S.UserParams, body: S.DisableUserBody }, async ({ params, body }, _q, res) =>
    setUserDisabled(ctx(res), params.name, true, body.reason),
  );
  route(r, registry, { method: 'post', path: '/users/:name/password-reset', operationId: 'resetUserPassword', response: S.ResetPasswordResponse, summary: '重置密码：生成一次性密码（仅显示一次），该账号下次登录须修改；会话结束', tags: ['账号'], access: ADMIN, params: S.UserParams, body: S.ResetPasswordBody }, async ({ params, body }, _q, res) =>
    resetPassword(ctx(res), params.name, body.reason),
  );
  route(r, registry, { method: 'post', path: '/users/:name/enable', operationId: 'enableUser', response: S.DisableUserResponse, summary: '重新启用账号', tags: ['账号'], access: ADMIN, params: S.UserParams }, async ({ params }, _q, res) => setUserDisabled(ctx(res), params.name, false));
  route(r, registry, { method: 'post', path: '/tokens', operationId: 'createToken', status: 201, response: S.TokenResponse, summary: '为用户创建访问令牌（仅显示一次）', tags: ['账号'], access: ADMIN, body: S.CreateTokenBody }, async ({ body }, _q, res) => {
    const out = await createToken(ctx(res), body.user, { label: body.label, days: body.days });
    return out;
  });

  // ---- rounds and their lifecycle ----
  route(r, registry, { method: 'get', path: '/rounds', operationId: 'listRounds', response: S.RoundsResponse, summary: '评价周期列表（公众只见已发布的和公示中的）', tags: ['评价周期'], access: 'public' }, async ({ user }, _q, res) => {
    const rounds = await listRounds(ctx(res));
    return { rounds: rounds.filter((x) => roundVisible(user, x.status)) };
  });
  route(r, registry, { method: 'post', path: '/rounds', operationId: 'createRound', status: 201, response: S.RoundSummary, summary: '新建评价周期', tags: ['评价周期'], access: BUREAU, body: S.CreateRoundBody }, async ({ body }, _q, res) => {
    return createRound(ctx(res), { code: body.code, rules: body.rules });
  });
  route(r, registry, { method: 'get', path: '/rounds/:code', operationId: 'getRound', etag: true, response: S.RoundDetailResponse, summary: '一个评价周期及其红榜、黑榜和警示名单（公众只见已发布的和公示中的；公示中为拟定名单）', tags: ['评价周期'], access: 'public', params: S.RoundParams }, async ({ params, user }, req, res) => {
    // A published round never changes: its answer is kept like its results.
    const key = `round:${params.code}`;
    const hit = cache.get(key);
    if (hit) return sendCached(req, res, hit, { publicCache: true });
    const round = (await listRounds(ctx(res))).find((x) => x.code === params.code);
    if (!round || !roundVisible(user, round.status)) throw new DomainError('ROUND_NOT_FOUND', `没有评价周期 ${params.code}（或尚未公示）。`);
    if (!(['computed', 'publicized', 'published'] as string[]).includes(round.status)) return { ...round, lists: null };
    const firms = toResultsJson(await getRoundResults(ctx(res), params.code)).firms;
    const on = (list: string) => firms.filter((f) => f.list === list);
    const json = { ...round, lists: { red: on('red'), black: on('black'), watch: on('watch') } };
    if (round.status !== 'published') return json;
    return sendCached(req, res, cache.set(key, cachedBody(JSON.stringify(json), 'application/json; charset=utf-8')), { publicCache: true });
  });
  route(r, registry, { method: 'post', path: '/rounds/:code/open', operationId: 'openRound', response: S.OpenRoundResponse, summary: '开始录入（快照企业与项目）', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.EmptyBody }, async ({ params }, _q, res) =>
    openRound(ctx(res), params.code),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/close', operationId: 'closeRound', response: S.CompletenessResponse, summary: '停止录入并检查完整性', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.EmptyBody }, async ({ params }, _q, res) =>
    closeRound(ctx(res), params.code),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/compute', operationId: 'computeRound', response: S.ComputeResponse, summary: '计算（可重复，每次保留）；有项目缺少街道或居民评分、企业缺少行管评分时拒绝（409，details 列出），force: true 强制计算（记入审计）', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.ComputeBody }, async ({ params, body }, _q, res) => {
    const out = await computeRound(ctx(res), params.code, { force: body.force });
    const counts = countLists(out.result.firms);
    // Scores in points like every other answer (the use case keeps hundredths).
    const changes = out.changes?.map((c) => ({ ...c, compositeBefore: c.compositeBefore === null ? null : c.compositeBefore / 100, compositeAfter: c.compositeAfter === null ? null : c.compositeAfter / 100 })) ?? null;
    return { computation: out.computation, ranked: out.result.ranked, ...counts, changes };
  });
  route(r, registry, { method: 'post', path: '/rounds/:code/publicize', operationId: 'publicizeRound', response: S.PublicizeResponse, summary: '公示', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.PublicizeBody }, async ({ params, body }, _q, res) =>
    publicizeRound(ctx(res), params.code, { days: body.days }),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/publish', operationId: 'publishRound', response: S.PublishResponse, summary: '发布（不可更改）', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.PublishBody }, async ({ params, body }, _q, res) =>
    publishRound(ctx(res), params.code, { early: body.early, reason: body.reason }),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/reopen', operationId: 'reopenRound', response: S.ReopenResponse, summary: '重新开放（须写明理由）', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, body: S.ReopenBody }, async ({ params, body }, _q, res) => {
    await reopenRound(ctx(res), params.code, body.reason);
    return { round: params.code, status: 'open' };
  });
  route(r, registry, { method: 'post', path: '/rounds/:code/simulate', operationId: 'simulateRound', response: S.SimulationResponse, summary: '试算：按请求体中的规则计算已停止录入或已计算的周期，不保存，返回名次或榜单会变化的企业及两边的理由', tags: ['评价周期'], access: BUREAU, params: S.RoundParams, query: S.SimulateQuery, body: S.SimulateBody }, async ({ params, query, body }, _q, res) =>
    toSimulationJson(await simulateRound(ctx(res), params.code, { rules: body, force: query.force === 'true' })),
  );
  route(r, registry, { method: 'get', path: '/rounds/:code/completeness', operationId: 'getRoundCompleteness', response: S.CompletenessResponse, summary: '完整性（按街道、按来源；街道账号只见本街道）', tags: ['评价周期'], access: ['admin', 'bureau', 'street'], params: S.RoundParams }, async ({ params, user }, _q, res) =>
    completenessFor(user as Principal, await roundCompletenessReport(ctx(res), params.code)),
  );

  // ---- entries ----
  route(r, registry, { method: 'get', path: '/rounds/:code/projects', operationId: 'listRoundProjects', response: S.ProjectsResponse, summary: '项目及其当前街道评分（街道账号只见本街道）', tags: ['录入'], access: STREET_SCORE_WRITERS, params: S.RoundParams, query: S.ProjectsQuery }, async ({ params, query, user }, _q, res) => ({
    projects: (await streetProjects(ctx(res), params.code, { street: streetScopeOf(user as Principal, await streetCodeOf(res, query.street)) })).map((p) => ({ ...p, score: p.score === null ? null : p.score / 100 })),
  }));
  route(r, registry, { method: 'put', path: '/rounds/:code/street-scores/:project', operationId: 'putStreetScore', response: S.EntryResponse, summary: '录入或更正一个项目的街道评分', tags: ['录入'], access: STREET_SCORE_WRITERS, params: S.StreetScoreParams, body: S.StreetScoreBody }, async ({ params, body, user }, _q, res) =>
    enterStreetScores(ctx(res), params.code, [{ projectCode: params.project, score: body.score, note: body.note }], { street: streetScopeOf(user as Principal) }),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/street-scores', operationId: 'enterStreetScores', response: S.EntryResponse, summary: '批量录入街道评分（全部成功或全部不写）', tags: ['录入'], access: STREET_SCORE_WRITERS, params: S.RoundParams, body: S.StreetScoresBody }, async ({ params, body, user }, _q, res) =>
    enterStreetScores(ctx(res), params.code, body.scores, { street: streetScopeOf(user as Principal) }),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/regulator-scores', operationId: 'enterRegulatorScore', response: S.EntryResponse, summary: '录入或更正一个企业一个部门的行管评分', tags: ['录入'], access: REGULATOR_WRITERS, params: S.RoundParams, body: S.RegulatorScoreBody }, async ({ params, body }, _q, res) =>
    enterRegulatorScore(ctx(res), params.code, body),
  );
  route(
    r,
    registry,
    { method: 'post', path: '/rounds/:code/imports/:kind', operationId: 'importRoundData', response: S.RoundImportResponse, summary: '导入本周期数据（multipart 上传 file；全部成功或全部不写）', tags: ['录入'], access: STAFF, params: S.RoundImportParams, body: S.UploadBody, upload },
    async ({ params, user, file }, _q, res) => {
      const u = requireRole(user, ROUND_IMPORT_ROLES[params.kind], `导入「${params.kind}」数据`);
      if (!file) throw new DomainError('INPUT_INVALID', '请选择要上传的文件（表单字段 file）。', [{ row: null, column: 'file', message: '缺少文件' }]);
      const streetScope = u.role === 'street' ? (u.street ?? undefined) : undefined;
      return importRoundData(ctx(res), params.code, params.kind, file.path, streetScope ? { streetScope } : {});
    },
  );
  route(
    r,
    registry,
    { method: 'post', path: '/master-data/:kind', operationId: 'importMasterData', response: S.MasterImportResponse, summary: '导入街道、企业或项目（multipart 上传 file）', tags: ['基础数据'], access: BUREAU, params: S.MasterImportParams, query: S.MasterImportQuery, body: S.UploadBody, upload },
    async ({ params, query, file }, _q, res) => {
      if (!file) throw new DomainError('INPUT_INVALID', '请选择要上传的文件（表单字段 file）。', [{ row: null, column: 'file', message: '缺少文件' }]);
      return importMasterData(ctx(res), params.kind, file.path, { newStreets: query.newStreets === 'true' });
    },
  );
  route(r, registry, { method: 'get', path: '/templates/:kind', operationId: 'downloadTemplate', summary: '下载录入模板（XLSX，按账号范围预填）', tags: ['录入'], access: STAFF, params: S.TemplateParams, query: S.TemplateQuery, produces: XLSX }, async ({ params, query, user }, _q, res) => {
    const u = requireRole(user, TEMPLATE_ROLES[params.kind], `下载「${params.kind}」模板`);
    const street = streetScopeOf(u, await streetCodeOf(res, query.street));
    res.setHeader('Content-Type', XLSX);
    res.setHeader('Content-Disposition', contentDisposition(`${params.kind}${query.round ? `-${query.round}` : ''}${street ? `-${street}` : ''}.xlsx`));
    await writeEntryTemplate(ctx(res), params.kind, { round: query.round, street }, () => res);
    return undefined;
  });

  // ---- results ----
  route(
    r,
    registry,
    { method: 'get', path: '/rounds/:code/results', operationId: 'getRoundResults', etag: true, summary: '一个周期的结果，分页、按名次（公众只见已发布的）；全部结果见 results.json', tags: ['结果'], access: 'public', params: S.RoundParams, query: S.ResultsPageQuery, response: S.ResultsPageResponse },
    async ({ params, query, user }, req, res) => {
      const key = `results:${params.code}:${query.page}:${query.size}`;
      const hit = cache.get(key);
      if (hit) return sendCached(req, res, hit, { publicCache: true });
      const round = { status: await roundStatus(ctx(res), params.code) };
      requireResultsAccess(user, params.code, round.status);
      const json = await resultsPage(ctx(res), params.code, query);
      if (round.status !== 'published') return json;
      return sendCached(req, res, cache.set(key, cachedBody(JSON.stringify(json), 'application/json; charset=utf-8')), { publicCache: true });
    },
  );
  route(
    r,
    registry,
    { method: 'get', path: '/rounds/:code/results.json', operationId: 'downloadRoundResults', etag: true, summary: '一个周期的全部结果（一次下载，已发布的缓存并 gzip 压缩）', tags: ['结果'], access: 'public', params: S.RoundParams, response: S.ResultsResponse },
    async ({ params, user }, req, res) => {
      const key = `results:${params.code}`;
      res.setHeader('Content-Disposition', contentDisposition(`${params.code}-results.json`));
      const hit = cache.get(key);
      if (hit) return sendCached(req, res, hit, { publicCache: true });
      const round = { status: await roundStatus(ctx(res), params.code) };
      requireResultsAccess(user, params.code, round.status);
      const json = toResultsJson(await getRoundResults(ctx(res), params.code));
      if (round.status !== 'published') return json;
      return sendCached(req, res, cache.set(key, cachedBody(JSON.stringify(json), 'application/json; charset=utf-8')), { publicCache: true });
    },
  );
  route(r, registry, { method: 'get', path: '/rounds/:code/firms/:uscc', operationId: 'explainFirm', response: S.FirmResultResponse, summary: '一家企业的结果与说明（住建局；企业只见本企业）', tags: ['结果'], access: ANY_ACCOUNT, params: S.RoundFirmParams }, async ({ params, user }, _q, res) => {
    const round = { status: await roundStatus(ctx(res), params.code) };
    requireFirmAccess(user, params.code, round.status, params.uscc);
    return toFirmJson(await explainFirm(ctx(res), params.code, params.uscc));
  });
  route(r, registry, { method: 'get', path: '/rounds/:code/firms/:uscc/score-card.png', operationId: 'getScoreCard', etag: true, summary: '企业评分卡（PNG）；已发布的周期公开', tags: ['结果'], access: 'public', params: S.RoundFirmParams, produces: 'image/png' }, async ({ params, user }, req, res) => {
    const key = `card:${params.code}:${params.uscc}`;
    const hit = cache.get(key);
    if (hit) return sendCached(req, res, hit, { publicCache: true });
    const round = { status: await roundStatus(ctx(res), params.code) };
    if (round.status !== 'published') requireFirmAccess(user, params.code, round.status, params.uscc);
    const firm = await explainFirm(ctx(res), params.code, params.uscc);
    const history = await firmHistory(ctx(res), params.uscc, { publishedOnly: round.status === 'published' || user?.role === 'firm' });
    const points = history.rounds.filter((h) => h.round < params.code).map((h) => ({ roundCode: h.round, rank: h.rank, composite: h.composite, list: h.list }));
    const ranked = (await getRoundResults(ctx(res), params.code)).firms.filter((f) => f.rank !== null).length;
    const body = cachedBody(await renderScoreCard(firm, points, { roundCode: params.code, rankedFirms: ranked }), 'image/png');
    if (round.status === 'published') cache.set(key, body);
    return sendCached(req, res, body, { publicCache: round.status === 'published' });
  });
  route(r, registry, { method: 'get', path: '/rounds/:code/charts/:name.png', operationId: 'getRoundChart', etag: true, summary: '周期图表（PNG）：ranking、distribution、sources、streets', tags: ['结果'], access: 'public', params: S.ChartParams, produces: 'image/png' }, async ({ params, user }, req, res) => {
    const key = `chart:${params.code}:${params.name}`;
    const hit = cache.get(key);
    if (hit) return sendCached(req, res, hit, { publicCache: true });
    const round = { status: await roundStatus(ctx(res), params.code) };
    requireResultsAccess(user, params.code, round.status);
    const charts = await renderRoundCharts(await buildReportData(ctx(res), params.code));
    let wanted = null;
    for (const c of charts) {
      const body = cachedBody(c.png, 'image/png');
      if (round.status === 'published') cache.set(`chart:${params.code}:${c.name.replace(/\.png$/, '')}`, body);
      if (c.name === `${params.name}.png`) wanted = body;
    }
    if (!wanted) throw new DomainError('NOT_FOUND', `没有图表 ${params.name}。`);
    return sendCached(req, res, wanted, { publicCache: round.status === 'published' });
  });
  route(r, registry, { method: 'get', path: '/rounds/:code/report.xlsx', operationId: 'downloadRoundReport', summary: '评价结果工作簿（Excel）；已发布的周期公开', tags: ['结果'], access: 'public', params: S.RoundParams, produces: XLSX }, async ({ params, user }, _q, res) => {
    const round = { status: await roundStatus(ctx(res), params.code) };
    requireResultsAccess(user, params.code, round.status);
    const data = await buildReportData(ctx(res), params.code);
    res.setHeader('Content-Type', XLSX);
    res.setHeader('Content-Disposition', contentDisposition(`${params.code}-评价结果.xlsx`));
    await writeRoundWorkbook(data, res);
    return undefined;
  });
  route(r, registry, { method: 'get', path: '/firms/:uscc/history', operationId: 'getFirmHistory', response: S.FirmHistoryResponse, summary: '企业历次结果（公众只见已发布的周期）', tags: ['结果'], access: 'public', params: S.FirmParams }, async ({ params, user }, _q, res) => {
    const all = user !== null && BUREAU.includes(user.role);
    return firmHistory(ctx(res), params.uscc, { publishedOnly: !all });
  });

  // ---- follow-up: objections, rectifications, proposals, audit (SPEC §5.9, §6) ----
  route(r, registry, { method: 'get', path: '/rounds/:code/objections', operationId: 'listObjections', response: S.ObjectionsResponse, summary: '本周期的异议（企业只见本企业的；overdue 表示超过 5 个工作日未决定）', tags: ['异议与处置'], access: OBJECTION_PARTIES, params: S.RoundParams }, async ({ params, user }, _q, res) => {
    const u = user as Principal;
    return { objections: await listObjections(ctx(res), params.code, u.role === 'firm' ? { uscc: u.firmUscc ?? '-' } : {}) };
  });
  route(r, registry, { method: 'post', path: '/rounds/:code/objections', operationId: 'fileObjection', status: 201, response: S.Objection, summary: '提出异议（公示期内；企业为本企业，住建局可代为提出）', tags: ['异议与处置'], access: OBJECTION_PARTIES, params: S.RoundParams, body: S.FileObjectionBody }, async ({ params, body, user }, _q, res) => {
    const firm = objectingFirm(user as Principal, body.uscc);
    return fileObjection(ctx(res), { round: params.code, uscc: firm, reason: body.reason, evidence: body.evidence });
  });
  route(r, registry, { method: 'post', path: '/rounds/:code/objections/:uscc/decision', operationId: 'decideObjection', response: S.Objection, summary: '对异议作出决定（成立或不成立，须写明理由）', tags: ['异议与处置'], access: BUREAU, params: S.RoundFirmParams, body: S.DecideObjectionBody }, async ({ params, body }, _q, res) =>
    decideObjection(ctx(res), { round: params.code, uscc: params.uscc, decision: body.decision, reason: body.reason }),
  );
  route(r, registry, { method: 'get', path: '/rectifications', operationId: 'listRectifications', response: S.RectificationsResponse, summary: '整改通知及其复查结论（overdue 表示逾期未复查，按未通过计）', tags: ['异议与处置'], access: REGULATOR_WRITERS, query: S.RectificationsQuery }, async ({ query }, _q, res) => ({
    rectifications: await listRectifications(ctx(res), { round: query.round, pending: query.pending === 'true' }),
  }));
  route(r, registry, { method: 'post', path: '/rounds/:code/rectifications/:uscc/reinspection', operationId: 'recordReinspection', response: S.ReinspectionResponse, summary: '录入整改复查结论（通过或未通过）', tags: ['异议与处置'], access: REGULATOR_WRITERS, params: S.RoundFirmParams, body: S.ReinspectionBody }, async ({ params, body }, _q, res) =>
    recordReinspection(ctx(res), { round: params.code, uscc: params.uscc, result: body.result, note: body.note }),
  );
  route(r, registry, { method: 'post', path: '/rounds/:code/rectifications/:uscc/report', operationId: 'reportRectification', response: S.RectificationReportResponse, summary: '企业报告本企业的整改情况（复查前可再次提交，以最新的为准）', tags: ['异议与处置'], access: ['firm'], params: S.RoundFirmParams, body: S.RectificationReportBody }, async ({ params, body, user }, _q, res) => {
    if ((user as Principal).firmUscc !== params.uscc) throw new DomainError('FORBIDDEN', `企业账号只能报告本企业（${(user as Principal).firmUscc}）的整改。`);
    return reportRectification(ctx(res), { round: params.code, uscc: params.uscc, text: body.report, evidence: body.evidence });
  });
  route(r, registry, { method: 'get', path: '/interviews', operationId: 'listInterviews', response: S.InterviewsResponse, summary: '约谈记录（pending=true 只列尚未约谈的）', tags: ['异议与处置'], access: BUREAU, query: S.RectificationsQuery }, async ({ query }, _q, res) => ({
    interviews: await listInterviews(ctx(res), { round: query.round, pending: query.pending === 'true' }),
  }));
  route(r, registry, { method: 'post', path: '/rounds/:code/interviews/:uscc', operationId: 'recordInterview', response: S.Interview, summary: '记录约谈已进行（日期默认今天）', tags: ['异议与处置'], access: BUREAU, params: S.RoundFirmParams, body: S.InterviewBody }, async ({ params, body }, _q, res) =>
    recordInterview(ctx(res), { round: params.code, uscc: params.uscc, heldOn: body.heldOn, note: body.note }),
  );
  route(r, registry, { method: 'get', path: '/proposals', operationId: 'listProposals', response: S.ProposalsResponse, summary: '取消从业资格建议和清退建议', tags: ['异议与处置'], access: BUREAU, query: S.ProposalsQuery }, async ({ query }, _q, res) => ({
    proposals: await listProposals(ctx(res), query.status ? { status: query.status } : {}),
  }));
  route(r, registry, { method: 'post', path: '/proposals/:id/decision', operationId: 'decideProposal', response: S.Proposal, summary: '对处置建议作出决定（批准取消资格后该企业不再参评）', tags: ['异议与处置'], access: BUREAU, params: S.ProposalParams, body: S.DecideProposalBody }, async ({ params, body }, _q, res) =>
    decideProposal(ctx(res), { id: params.id, decision: body.decision, reason: body.reason }),
  );
  route(r, registry, { method: 'get', path: '/audit', operationId: 'readAuditLog', response: S.AuditResponse, summary: '审计日志（最新在前）', tags: ['审计'], access: BUREAU, query: S.AuditQuery }, async ({ query }, _q, res) => ({
    entries: await readAuditLog(ctx(res), { limit: query.limit, entityId: query.entity }),
  }));
  route(r, registry, { method: 'get', path: '/audit/verify', operationId: 'verifyAuditLog', response: S.AuditVerifyResponse, summary: '校验审计日志的哈希链', tags: ['审计'], access: BUREAU }, async (_i, _q, res) => verifyAuditLog(ctx(res)));

  r.use((req) => {
    throw new DomainError('NOT_FOUND', `没有这个接口：${req.method} ${req.baseUrl}${req.path}`);
  });
  return r;
}
