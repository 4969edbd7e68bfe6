/**
 * Request and response schemas of the API (zod): the request ones validate requests; all of them
 * write /api/openapi.json, and the contract test checks every real answer against that document.
 */
import { z } from 'zod';
import { ROLES } from '../app/accounts';
import { ROUND_CODE_PATTERN } from '../domain/round-code';

export const roundCode = z
  .string()
  .regex(ROUND_CODE_PATTERN, '评价周期编号应为 YYYY-H1、YYYY-H2 或 YYYY-Y，例如 2025-H1')
  .meta({ description: '评价周期编号', example: '2025-H1' });
export const uscc = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{18}$/, '统一社会信用代码应为 18 位字母或数字')
  .transform((s) => s.toUpperCase())
  .meta({ description: '统一社会信用代码' });
/** A score as entered: a number 0–100 with at most 2 decimals, or the same as a string. */
export const score = z.union([z.number(), z.string().max(20)]).meta({ description: '得分，0–100，至多两位小数' });

export const RoundParams = z.object({ code: roundCode });
export const RoundFirmParams = z.object({ code: roundCode, uscc });
export const FirmParams = z.object({ uscc });

export const CreateRoundBody = z.strictObject({
  code: roundCode,
  rules: z.record(z.string(), z.unknown()).optional().meta({ description: '本周期规则（JSON）；省略时用默认规则' }),
});
/** 试算: the body is a rule document as `hhb rounds create --rules` takes it (checked by the rules schema, which names the key). */
export const SimulateBody = z.record(z.string(), z.unknown()).meta({ description: '评分规则（JSON，与新建周期的 rules 相同）；省略的键取默认值' });
export const SimulateQuery = z.object({ force: z.enum(['true', 'false']).optional().meta({ description: 'true：缺少评分来源时按强制计算的方式试算' }) });
export const ComputeBody = z.strictObject({ force: z.boolean().default(false).meta({ description: '缺少来源时强制计算' }) });
export const PublicizeBody = z.strictObject({ days: z.number().int().min(1).max(60).default(7).meta({ description: '公示天数' }) });
export const PublishBody = z.strictObject({
  early: z.boolean().default(false).meta({ description: '公示期未满时提前发布' }),
  reason: z.string().max(2000).optional().meta({ description: '提前发布的理由' }),
});
export const ReopenBody = z.strictObject({ reason: z.string().trim().min(1, '须写明理由').max(2000) });
export const EmptyBody = z.object({}).passthrough();

export const StreetScoreBody = z.strictObject({
  score,
  note: z.string().max(500).nullish(),
});
export const StreetScoreParams = z.object({ code: roundCode, project: z.string().trim().min(1).max(100).meta({ description: '项目编号' }) });
export const StreetScoresBody = z.strictObject({
  scores: z
    .array(z.strictObject({ projectCode: z.string().trim().min(1).max(100), score, note: z.string().max(500).nullish() }))
    .min(1, '至少录入一项')
    .max(5000),
});
export const RegulatorScoreBody = z.strictObject({
  firmUscc: uscc,
  department: z.string().trim().min(1, '部门不能为空').max(100),
  score,
  note: z.string().max(500).nullish(),
});
export const ProjectsQuery = z.object({ street: z.string().trim().min(1).max(100).optional().meta({ description: '街道编号（街道账号只能是本街道）' }) });

export const ROUND_IMPORT_KINDS = ['resident', 'resident-summary', 'regulator', 'deductions', 'street', 'events', 'complaints'] as const;
export const MASTER_IMPORT_KINDS = ['streets', 'firms', 'projects'] as const;
export const RoundImportParams = z.object({ code: roundCode, kind: z.enum(ROUND_IMPORT_KINDS).meta({ description: '导入种类' }) });
export const MasterImportParams = z.object({ kind: z.enum(MASTER_IMPORT_KINDS) });
export const MasterImportQuery = z.object({
  newStreets: z.enum(['true', 'false']).optional().meta({ description: 'true：项目文件中未登记的街道作为新街道创建（否则整份文件不导入）' }),
});
export const UploadBody = z.object({ _csrf: z.string().optional() }).meta({ description: 'multipart/form-data：file 字段为 CSV 或 XLSX 文件' });

export const TEMPLATE_KIND_VALUES = ['streets', 'firms', 'projects', 'street-scores', 'survey-summary', 'survey-responses', 'complaints', 'regulator-scores', 'deductions', 'events'] as const;
export const TemplateParams = z.object({ kind: z.enum(TEMPLATE_KIND_VALUES) });
export const TemplateQuery = z.object({ round: roundCode.optional(), street: z.string().trim().min(1).max(100).optional() });

export const ChartParams = z.object({ code: roundCode, name: z.enum(['ranking', 'distribution', 'sources', 'streets']) });

export const AddUserBody = z.strictObject({
  name: z.string().trim().min(1).max(64),
  role: z.enum(ROLES as unknown as [string, ...string[]]),
  street: z.string().trim().min(1).optional(),
  firm: uscc.optional(),
  /** The full password rules (length, common passwords) are checked by the use case. */
  password: z.string().min(12, '密码至少 12 个字符').max(256).optional(),
});
export const UserParams = z.object({ name: z.string().trim().min(1).max(64).meta({ description: '用户名' }) });
export const DisableUserBody = z.strictObject({ reason: z.string().trim().max(2000).optional().meta({ description: '停用理由' }) });
export const ResetPasswordBody = z.strictObject({ reason: z.string().trim().max(2000).optional().meta({ description: '重置理由（记入审计日志）' }) });
export const CreateTokenBody = z.strictObject({
  user: z.string().trim().min(1).max(64),
  label: z.string().trim().max(100).optional(),
  days: z.number().int().min(1).max(3650).optional(),
});

// ---- follow-up (SPEC §5.9, §6) ----
const decisionReason = z.string().trim().min(1, '须写明理由').max(2000).meta({ description: '决定的书面理由' });
export const FileObjectionBody = z.strictObject({
  uscc: uscc.optional().meta({ description: '企业（住建局代为提出时必填；企业账号只能为本企业提出）' }),
  reason: z.string().trim().min(5, '异议理由不能少于 5 个字').max(5000).meta({ description: '异议理由' }),
  evidence: z.array(z.string().trim().min(1).max(200)).max(50).default([]).meta({ description: '证明材料名称' }),
});
export const DecideObjectionBody = z.strictObject({
  decision: z.enum(['upheld', 'rejected']).meta({ description: 'upheld 成立，rejected 不成立' }),
  reason: decisionReason,
});
export const ProposalParams = z.object({ id: z.coerce.number().int().positive().meta({ description: '处置建议编号' }) });
export const ProposalsQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });
export const DecideProposalBody = z.strictObject({
  decision: z.enum(['approved', 'rejected']).meta({ description: 'approved 批准，rejected 驳回' }),
  reason: decisionReason,
});
/** `round` and `pending` filters of the follow-up lists (rectifications, interviews). */
export const RectificationsQuery = z.object({
  round: roundCode.optional(),
  pending: z.enum(['true', 'false']).optional().meta({ description: 'true：只列尚无复查结论的' }),
});
export const ReinspectionBody = z.strictObject({
  result: z.enum(['passed', 'failed']).meta({ description: 'passed 通过，failed 未通过' }),
  note: z.string().trim().max(2000).optional(),
});
export const InterviewBody = z.strictObject({
  heldOn: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD').optional().meta({ description: '约谈日期，默认今天' }),
  note: z.string().trim().min(1, '须写明约谈情况').max(5000).meta({ description: '约谈情况' }),
});
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  entity: z.string().trim().min(1).max(200).optional().meta({ description: '对象编号前缀，例如评价周期编号' }),
});

// ---- responses: what each route answers (SPEC §7), as the OpenAPI document promises it ----
const count = z.number().int().min(0);
const isoDate = z.string().meta({ description: '日期（YYYY-MM-DD）', format: 'date' });
const isoDateTime = z.string().meta({ description: '时间（ISO 8601）', format: 'date-time' });
/** Scores as the API gives them: points 0–100 with at most 2 decimals. */
const points = z.number();
const listKind = z.enum(['red', 'black', 'watch']).meta({ description: 'red 红榜，black 黑榜，watch 警示' });
const roundStatus = z.enum(['draft', 'open', 'closed', 'computed', 'publicized', 'published']);
const sourceScores = z.object({ resident: points.nullable(), regulator: points.nullable(), street: points.nullable() });
const ruleFiring = z.object({ rule: z.string().meta({ description: 'SPEC 条款，例如 5.6' }), code: z.string(), text: z.string() });
const projectRef = z.object({ code: z.string(), name: z.string(), street: z.string() });
const firmRef = z.object({ uscc: z.string(), name: z.string() });

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().meta({ description: '错误代码，例如 INPUT_INVALID、ROUND_STATE' }),
    message: z.string().meta({ description: '中文说明' }),
    details: z.unknown().meta({ description: '出错的行、列或字段等（因错误而异，可为 null）' }),
  }),
});

export const Principal = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES as unknown as [string, ...string[]]),
  street: z.string().nullable().meta({ description: '街道账号所属街道' }),
  streetName: z.string().nullable(),
  firmUscc: z.string().nullable().meta({ description: '企业账号所属企业' }),
  firmName: z.string().nullable(),
});
export const MeResponse = z.object({ user: Principal });
export const UsersResponse = z.object({ users: z.array(Principal.extend({ disabled: z.boolean(), mustChangePassword: z.boolean() })) });
export const AddUserResponse = z.object({ user: Principal, password: z.string().optional().meta({ description: '生成的密码（只在未给密码时返回，仅此一次）' }) });
export const DisableUserResponse = z.object({ user: z.string(), sessions: count.meta({ description: '结束的会话数' }), tokens: count.meta({ description: '作废的令牌数' }) });
export const ResetPasswordResponse = z.object({ user: z.string(), password: z.string().meta({ description: '一次性密码（仅此一次）' }), sessionsEnded: count });
export const TokenResponse = z.object({ token: z.string().meta({ description: '访问令牌（仅此一次）' }), user: z.string(), expiresAt: isoDateTime.nullable() });

export const RoundSummary = z.object({
  code: z.string(),
  kind: z.enum(['half', 'annual']).meta({ description: 'half 半年度，annual 年度' }),
  status: roundStatus,
  rulesHash: z.string(),
  noticeEndsOn: isoDate.nullable().meta({ description: '公示期结束日' }),
});
export const RoundsResponse = z.object({ rounds: z.array(RoundSummary) });
export const ResultFirm = z.object({
  uscc: z.string(),
  name: z.string(),
  rank: z.number().int().nullable().meta({ description: '名次（并列同名次）；未参与排名为 null' }),
  composite: points.nullable(),
  scores: sourceScores,
  list: listKind.nullable(),
  flags: z.array(z.string()),
  reasons: z.array(z.string()),
});
export const RoundDetailResponse = RoundSummary.extend({
  lists: z
    .object({ red: z.array(ResultFirm), black: z.array(ResultFirm), watch: z.array(ResultFirm) })
    .nullable()
    .meta({ description: '公示中（拟定名单）或已发布的周期的红榜、黑榜和警示名单；其他状态为 null' }),
});
export const OpenRoundResponse = z.object({ firms: count, projects: count });

const streetCompleteness = z.object({ street: z.string(), streetName: z.string(), projects: count, withStreetScore: count, withResident: count });
const sourceCompleteness = z.object({ total: count, present: count });
export const CompletenessResponse = z.object({
  round: z.string(),
  problems: z.array(z.string()).meta({ description: '每个问题一句中文；完整时为空' }),
  insufficientSample: z
    .array(z.object({ uscc: z.string(), name: z.string(), households: count, responses: count, required: count }))
    .nullable()
    .optional()
    .meta({ description: '有效问卷不足的企业（年度周期为 null；街道账号不返回）' }),
  detail: z
    .object({
      byStreet: z.array(streetCompleteness),
      projectsWithoutStreetScore: z.array(projectRef),
      projectsWithoutResident: z.array(projectRef),
      projectsWithBothResidentForms: z.array(projectRef).optional(),
      firmsWithoutRegulator: z.array(firmRef).optional(),
      firmsWithBothRegulatorForms: z.array(firmRef).optional(),
      bySource: z.object({ resident: sourceCompleteness, regulator: sourceCompleteness, street: sourceCompleteness }).optional(),
      firms: z.array(z.object({ uscc: z.string(), name: z.string(), disqualified: z.boolean(), households: count, responses: count })).optional(),
    })
    .nullable()
    .meta({ description: '明细（街道账号只有本街道的三项）；年度周期为 null' }),
});
const resultChange = z.object({
  uscc: z.string(),
  name: z.string(),
  rankBefore: z.number().int().nullable(),
  rankAfter: z.number().int().nullable(),
  compositeBefore: points.nullable(),
  compositeAfter: points.nullable(),
  listBefore: listKind.nullable(),
  listAfter: listKind.nullable(),
  text: z.string(),
});
export const ComputeResponse = z.object({
  computation: z.number().int().meta({ description: '第几次计算' }),
  ranked: count,
  red: count,
  black: count,
  watch: count,
  changes: z.array(resultChange).nullable().meta({ description: '与上一次计算相比名次或榜单变化的企业；首次计算为 null' }),
});
export const PublicizeResponse = z.object({ noticeEndsOn: isoDate });
export const PublishResponse = z.object({ certificates: count, rectifications: count, interviews: count, proposals: count });
export const ReopenResponse = z.object({ round: z.string(), status: z.literal('open') });

const simulationSide = z.object({
  rulesHash: z.string(),
  ranked: count,
  sliceSize: count,
  blackSliceSize: count,
  lists: z.object({ red: count, black: count, watch: count }),
});
const whatIfSide = z.object({ reasons: z.array(z.string()), rules: z.array(ruleFiring) });
export const SimulationResponse = z.object({
  round: z.string(),
  status: roundStatus,
  baseline: simulationSide.extend({ computation: z.number().int().nullable().meta({ description: '对比的计算编号；尚未计算时为 null（按本周期规则当场计算）' }) }),
  simulated: simulationSide,
  sameRules: z.boolean(),
  ruleChanges: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
  asOf: isoDate,
  forced: z.boolean(),
  changes: z.array(resultChange.extend({ before: whatIfSide, after: whatIfSide, firedOnlyAfter: z.array(ruleFiring), firedOnlyBefore: z.array(ruleFiring) })),
  compositeOnly: count,
});

export const ProjectsResponse = z.object({
  projects: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      street: z.string(),
      streetName: z.string(),
      community: z.string().nullable(),
      firmName: z.string(),
      households: count,
      score: points.nullable(),
      note: z.string().nullable(),
      enteredBy: z.string().nullable(),
      enteredAt: isoDateTime.nullable(),
    }),
  ),
});
export const EntryResponse = z.object({ entered: count, replaced: count.meta({ description: '更正（覆盖）的条数' }) });
export const RoundImportResponse = z.object({ label: z.string(), rows: count, replaced: count });
export const MasterImportResponse = z.object({ rows: count, created: count, updated: count, newStreets: z.array(z.string()).optional() });

export const ResultsResponse = z.object({ round: z.string(), status: roundStatus, rulesHash: z.string(), firms: z.array(ResultFirm) });
export const ResultsPageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).meta({ description: '第几页（从 1 开始）' }),
  size: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: '每页企业数（默认 100，最多 1000）' }),
});
export const ResultsPageResponse = ResultsResponse.extend({
  total: count.meta({ description: '本周期结果中的企业总数' }),
  page: z.number().int().min(1),
  size: z.number().int().min(1).max(1000),
});
export const FirmResultResponse = ResultFirm.extend({
  compositeExact: z.string().nullable().meta({ description: '精确值（分数 n/d）' }),
  households: count,
  complaints: count,
  complaintsPer1000: z.string().nullable(),
  responses: count,
  requiredResponses: count.nullable(),
  grade: z.string().nullable(),
  explanation: z.object({ inputs: z.array(z.object({ source: z.string(), subject: z.string(), value: z.string() })), rules: z.array(ruleFiring) }),
});
export const FirmHistoryResponse = z.object({
  uscc: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended', 'disqualified']),
  rounds: z.array(
    z.object({
      round: z.string(),
      status: roundStatus,
      imported: z.boolean().meta({ description: '历史导入（不是在本系统计算的）' }),
      importedRectification: z.enum(['passed', 'failed']).nullable(),
      rank: z.number().int().nullable(),
      ranked: count,
      composite: points.nullable(),
      scores: sourceScores,
      list: listKind.nullable(),
      reasons: z.array(z.string()),
      certificate: z.string().nullable(),
      rectification: z
        .object({ issuedOn: isoDate, deadline: isoDate, reinspectBy: isoDate, result: z.enum(['passed', 'failed']).nullable(), resultOn: isoDate.nullable() })
        .nullable(),
      interview: z.object({ scheduledOn: isoDate.nullable(), heldOn: isoDate.nullable(), note: z.string().nullable() }).nullable(),
      proposals: z.array(z.object({ kind: z.enum(['disqualification', 'exit']), status: z.enum(['pending', 'approved', 'rejected']), reason: z.string(), decisionReason: z.string().nullable() })),
    }),
  ),
});

export const Objection = z.object({
  id: z.number().int(),
  round: z.string(),
  uscc: z.string(),
  firmName: z.string(),
  reason: z.string(),
  evidence: z.array(z.string()),
  filedBy: z.string(),
  filedOn: isoDate,
  decision: z.enum(['upheld', 'rejected']).nullable(),
  decisionReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedOn: isoDate.nullable(),
  workingDays: count,
  overdue: z.boolean().meta({ description: '超过 5 个工作日未决定' }),
});
export const ObjectionsResponse = z.object({ objections: z.array(Objection) });
export const Rectification = z.object({
  round: z.string(),
  uscc: z.string(),
  firmName: z.string(),
  issuedOn: isoDate,
  deadline: isoDate,
  reinspectBy: isoDate.nullable(),
  result: z.enum(['passed', 'failed']).nullable(),
  resultOn: isoDate.nullable(),
  note: z.string().nullable(),
  report: z
    .object({ text: z.string(), evidence: z.array(z.string()).meta({ description: '证明材料的文件名' }), at: isoDateTime, by: z.string() })
    .nullable()
    .meta({ description: '企业报告的整改情况（最新一次）；尚未报告为 null' }),
  overdue: z.boolean(),
});
export const RectificationsResponse = z.object({ rectifications: z.array(Rectification) });
export const RectificationReportBody = z.strictObject({
  report: z.string().trim().min(10, '整改情况至少写 10 个字').max(5000).meta({ description: '整改情况：做了什么、何时完成、如何核验' }),
  evidence: z.array(z.string().trim().min(1).max(200)).max(50).default([]).meta({ description: '证明材料名称（原件交行管部门）' }),
});
export const RectificationReportResponse = z.object({ firmName: z.string(), replaced: z.boolean().meta({ description: '替换了此前提交的报告' }) });
export const ReinspectionResponse = z.object({ deadline: isoDate, result: z.enum(['passed', 'failed']) });
export const Interview = z.object({ round: z.string(), uscc: z.string(), firmName: z.string(), scheduledOn: isoDate.nullable(), heldOn: isoDate.nullable(), note: z.string().nullable() });
export const InterviewsResponse = z.object({ interviews: z.array(Interview) });
export const Proposal = z.object({
  id: z.number().int(),
  round: z.string(),
  uscc: z.string(),
  firmName: z.string(),
  kind: z.enum(['disqualification', 'exit']).meta({ description: 'disqualification 取消从业资格，exit 清退' }),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export const ProposalsResponse = z.object({ proposals: z.array(Proposal) });
export const AuditResponse = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: isoDateTime,
      actor: z.string(),
      action: z.string(),
      entity: z.string(),
      entityId: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      reason: z.string().nullable(),
    }),
  ),
});
export const AuditVerifyResponse = z.union([
  z.object({ ok: z.literal(true), rows: count }),
  z.object({ ok: z.literal(false), brokenAt: z.number().int().meta({ description: '第一条对不上的记录编号' }), rows: count }),
]);
