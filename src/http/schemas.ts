/** Request schemas of the API (zod): they validate requests and generate /api/openapi.json. */
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

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
});
export const ResultsResponse = z.object({
  round: z.string(),
  status: z.string(),
  rulesHash: z.string(),
  firms: z.array(
    z.object({
      uscc: z.string(),
      name: z.string(),
      rank: z.number().nullable(),
      composite: z.number().nullable(),
      scores: z.object({ resident: z.number().nullable(), regulator: z.number().nullable(), street: z.number().nullable() }),
      list: z.enum(['red', 'black', 'watch']).nullable(),
      flags: z.array(z.string()),
      reasons: z.array(z.string()),
    }),
  ),
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
