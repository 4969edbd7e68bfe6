/**
 * The rule document of a round (SPEC §5) as a zod schema: every option with its default, strict
 * objects (an unknown key is an error), values checked when the rules load — never halfway through
 * a computation. Its output is exactly the domain's `Rules` type (checked at compile time below).
 */
import { z } from 'zod';
import { type Rules, TIE_BREAK_KEYS } from '../domain/rules';
import { DEFAULT_DEDUCTION_CATALOGUE } from './default-catalogue';

/** A number with at most `places` decimals (read exactly as the decimal the author wrote). */
function decimal(places: number) {
  const scale = 10 ** places;
  return z
    .number()
    .refine((v) => Number.isFinite(v) && Math.abs(v * scale - Math.round(v * scale)) < 1e-6, { message: `最多 ${places} 位小数` });
}

const score = () => decimal(2).min(0).max(100);
const percent = () => decimal(4).min(0).max(100);

const weights = z
  .strictObject({
    resident: decimal(6).positive().max(1e6).default(5),
    regulator: decimal(6).positive().max(1e6).default(3),
    street: decimal(6).positive().max(1e6).default(2),
  })
  .prefault({});

const red = z
  .strictObject({
    share: percent().default(10),
    minComposite: score().default(85),
    refill: z.boolean().default(false),
  })
  .prefault({});

const black = z
  .strictObject({
    share: percent().default(10),
    belowComposite: score().default(60),
    vetoForcesBlack: z.boolean().default(true),
  })
  .prefault({});

const watch = z
  .strictObject({
    enabled: z.boolean().default(true),
    complaintsPer1000Above: decimal(2).min(0).default(20),
  })
  .prefault({});

const surveyBand = z.strictObject({
  belowHouseholds: z.number().int().positive().nullable(),
  margin: decimal(6).positive().max(1),
});

/** Item names as residents read them and the API names them: short, no spaces at the ends. */
const questionnaireItem = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(20)
    .refine((s) => s.trim() === s && s.trim() !== '', { message: '项目名称不能为空或以空格开头、结尾' }),
  weight: z.number().int().positive().max(100).default(1),
});

const questionnaire = z.strictObject({
  items: z
    .array(questionnaireItem)
    .min(1)
    .max(20)
    .superRefine((items, ctx) => {
      items.forEach((item, i) => {
        if (items.findIndex((other) => other.name === item.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `问卷项目「${item.name}」重复` });
      });
    }),
});

const survey = z
  .strictObject({
    z: decimal(6).positive().max(10).default(1.96),
    proportion: decimal(6).positive().max(1).default(0.5),
    bands: z
      .array(surveyBand)
      .min(1)
      .default([
        { belowHouseholds: 2500, margin: 0.05 },
        { belowHouseholds: 10000, margin: 0.04 },
        { belowHouseholds: null, margin: 0.03 },
      ])
      .superRefine((bands, ctx) => {
        bands.forEach((band, i) => {
          const last = i === bands.length - 1;
          const previous = bands[i - 1]?.belowHouseholds;
          if (last && band.belowHouseholds !== null) {
            ctx.addIssue({ code: 'custom', path: [i, 'belowHouseholds'], message: '最后一档必须为 null（覆盖其余户数）' });
          }
          if (!last && band.belowHouseholds === null) {
            ctx.addIssue({ code: 'custom', path: [i, 'belowHouseholds'], message: '只有最后一档可以为 null' });
          }
          if (band.belowHouseholds !== null && previous !== undefined && previous !== null && band.belowHouseholds <= previous) {
            ctx.addIssue({ code: 'custom', path: [i, 'belowHouseholds'], message: '必须按户数从小到大排列' });
          }
        });
      }),
    questionnaire: questionnaire.optional(),
  })
  .prefault({});

const consequences = z
  .strictObject({
    deadlineDays: z.number().int().positive().max(3650).default(30),
    reinspectDays: z.number().int().positive().max(3650).default(15),
    consecutiveBlack: z.number().int().min(1).max(20).default(2),
    exitComplaintsPer1000: decimal(2).min(0).default(20),
  })
  .prefault({});

const annual = z
  .strictObject({
    h1: decimal(6).positive().max(1e6).default(1),
    h2: decimal(6).positive().max(1e6).default(1),
  })
  .prefault({});

const gradeName = z.string().trim().min(1).max(20);

const grades = z
  .strictObject({
    bands: z
      .array(z.strictObject({ grade: gradeName, min: score() }))
      .min(1),
    listsFrom: z.enum(['shares', 'grades']).default('shares'),
    redGrades: z.array(gradeName).default([]),
    blackGrades: z.array(gradeName).default([]),
    watchGrades: z.array(gradeName).default([]),
  })
  .superRefine((g, ctx) => {
    const names = g.bands.map((b) => b.grade);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['bands', i, 'grade'], message: `等级 ${name} 重复` });
    });
    const mins = g.bands.map((b) => b.min);
    mins.forEach((min, i) => {
      if (mins.indexOf(min) !== i) ctx.addIssue({ code: 'custom', path: ['bands', i, 'min'], message: `两个等级的最低分同为 ${min}` });
    });
    if (!mins.includes(0)) ctx.addIssue({ code: 'custom', path: ['bands'], message: '必须有一个最低分为 0 的等级，使每个得分都有等级' });
    for (const key of ['redGrades', 'blackGrades', 'watchGrades'] as const) {
      g[key].forEach((name, i) => {
        if (!names.includes(name)) ctx.addIssue({ code: 'custom', path: [key, i], message: `等级 ${name} 未在 bands 中定义` });
      });
    }
    const used = [...g.redGrades, ...g.blackGrades, ...g.watchGrades];
    used.forEach((name, i) => {
      if (used.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['bands'], message: `等级 ${name} 不能同时属于两个榜单` });
    });
  });

const deductionItem = z.strictObject({
  code: z.string().trim().min(1).max(20),
  description: z.string().trim().min(1).max(200),
  kind: z.enum(['deduction', 'bonus']),
  points: decimal(2).min(0).max(100),
});

const deductions = z
  .strictObject({
    catalogue: z
      .array(deductionItem)
      .default(DEFAULT_DEDUCTION_CATALOGUE.map((i) => ({ ...i })))
      .superRefine((items, ctx) => {
        const codes = items.map((i) => i.code);
        codes.forEach((code, i) => {
          if (codes.indexOf(code) !== i) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `扣分项编码 ${code} 重复` });
        });
      }),
    bonusCap: decimal(2).min(0).max(100).default(5),
  })
  .prefault({});

const tieBreak = z
  .array(z.enum(['resident', 'regulator', 'street', 'complaints']))
  .default([...TIE_BREAK_KEYS])
  .superRefine((keys, ctx) => {
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `并列处理键 ${k} 重复` });
    });
  });

export const rulesSchema = z.strictObject({
  weights,
  rounding: z.enum(['floor', 'round', 'ceil']).default('floor'),
  tieAtCutoff: z.enum(['exclude', 'include']).default('exclude'),
  tieBreak,
  missingSource: z.enum(['block', 'renormalize', 'exclude']).default('block'),
  red,
  black,
  watch,
  survey,
  consequences,
  annual,
  grades: grades.nullable().default(null),
  deductions,
});

/** The rule document as written (every key optional). */
export type RulesDocument = z.input<typeof rulesSchema>;

// Compile-time check, both ways: the schema produces exactly the domain's Rules type.
type SchemaRules = z.output<typeof rulesSchema>;
type Assignable<_From extends To, To> = true;
export type SchemaProducesRules = Assignable<SchemaRules, Rules>;
export type RulesFitSchema = Assignable<Rules, SchemaRules>;
