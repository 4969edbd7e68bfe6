/**
 * `hhb report`: assembles a round's ReportData from the database and has src/reports write the
 * workbook, the charts, the score cards and the certificates into one folder.
 */
import { surveyExclusions } from '../db/survey-codes-repo';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { projectResidentScore } from '../domain/resident-score';
import { halfYearCodes, previousRoundCode } from '../domain/round-code';
import { roundHalfUpToHundredths, sliceSize as sliceSizeOf } from '../domain/rounding';
import type { Certificate, FirmResult, RegulatorInput, RoundResult } from '../domain/types';
import type { Rules } from '../domain/rules';
import { canonicalRulesJson, parseRules } from '../rules';
import { roundCompleteness } from '../db/completeness';
import { loadRoundInput } from '../db/round-input';
import { findRound, getRound, type RoundRecord } from '../db/rounds-repo';
import { latestComputation, latestResults } from '../db/results-repo';
import { certificates as roundCertificates, rectifications as roundRectifications } from '../db/follow-up-repo';
import { listStreets } from '../db/streets-repo';
import { historyOfFirms, historyRound } from '../db/history-repo';
import type { FirmHistoryPoint, PreviousRound, ReportData, ReportHalf, ReportProject } from '../reports/report-data';
import { writeRoundWorkbook } from '../reports/workbook';
import { renderRoundCharts } from '../reports/charts';
import { createRenderPool, inThreadRenderer, type PictureRenderer, renderInOrder } from '../reports/render-pool';
import { scoreCardFirm } from '../reports/score-card';
import { planDocuments } from './documents';
import type { AppContext } from './context';
import { formatScore } from './labels';

export interface ReportProgress {
  start(total: number, label: string): void;
  tick(label: string): void;
  stop(): void;
}

/** Which firms get a score card picture: all of them, the listed ones, or none. */
export type ScoreCards = 'all' | 'listed' | 'none';

/** 评价方法 in plain Chinese, from the round's rules. */
export function methodLines(rules: Rules, kind: RoundRecord['kind']): string[] {
  const w = rules.weights;
  const lines = [
    kind === 'annual'
      ? `年度综合得分 = 上半年综合得分 × ${rules.annual.h1} 与下半年综合得分 × ${rules.annual.h2} 的加权平均；仅有一个半年度成绩的企业以该成绩计并标注。`
      : `综合得分 = 居民群众评分 × ${w.resident} + 行管部门评分 × ${w.regulator} + 街道社区评分 × ${w.street}，再除以权重之和（${w.resident}:${w.regulator}:${w.street}）。`,
    '企业的居民评分和街道评分为其各项目得分按户数加权的平均；每户只计一份有效问卷，后提交的替换先提交的。',
    '行管部门评分为各部门评分的平均，或按扣分表计算（基础分 100，同一扣分项在同一项目只计一次，加分合计不超过上限，结果限定在 0–100）。',
    '全部计算采用精确分数运算，公布的得分四舍五入保留两位小数；排名按公布的综合得分，并依次比较居民、行管、街道评分和每千户投诉数。',
    `红榜：排名前 ${rules.red.share}% 且综合得分不低于 ${rules.red.minComposite} 分、无一票否决事项、样本量达标、无未完成整改的企业；${rules.red.refill ? '名额可向下递补' : '名额不向下递补'}。`,
    `黑榜：排名后 ${rules.black.share}% 且综合得分低于 ${rules.black.belowComposite} 分、或整改未通过、或有严重违规的企业；${rules.black.vetoForcesBlack ? '有一票否决事项的企业无论排名均列入黑榜。' : ''}`,
    rules.watch.enabled
      ? `重点监管：排名后 ${rules.black.share}% 但未达黑榜条件的企业，以及每千户投诉数超过 ${rules.watch.complaintsPer1000Above} 件的企业。`
      : '本周期不设重点监管。',
    `问卷样本量：按 95% 置信水平计算各企业所需的最少有效问卷数（户数 2,500 以下误差 ±5%，10,000 以下 ±4%，以上 ±3%），不足的企业不能列入红榜。`,
  ];
  return lines;
}

function regulatorDetail(reg: RegulatorInput | null): string {
  if (!reg) return '无行管评分';
  if (reg.form === 'departments') return `部门评分：${reg.scores.map((s) => `${s.department} ${formatScore(s.score)}`).join('；')}（取平均）`;
  if (reg.rows.length === 0) return '扣分表：无扣分';
  return `扣分表：${reg.rows.map((r) => `${r.item}${r.projectCode ? `（${r.projectCode}）` : ''} ${formatScore(r.points)}`).join('；')}`;
}

async function history(db: Knex, round: RoundRecord): Promise<Record<string, FirmHistoryPoint[]>> {
  const rows = await latestResults(db, { kind: round.kind, codeAtMost: round.code });
  const out: Record<string, FirmHistoryPoint[]> = {};
  // Half years imported from before the system come first in a firm's trend.
  if (round.kind === 'half') {
    const usccs = [...new Set(rows.map((r) => r.uscc))];
    for (const h of await historyOfFirms(db, usccs, round.code)) (out[h.uscc] ??= []).push({ roundCode: h.roundCode, rank: h.rank, composite: h.composite, list: h.list });
  }
  for (const r of rows) (out[r.uscc] ??= []).push({ roundCode: r.roundCode, rank: r.rank, composite: r.composite, list: r.list });
  return out;
}

/** A half year's own detail: its projects with their scores, how regulator scores were obtained, completeness. */
async function halfDetail(db: Knex, roundId: number, firms: readonly FirmResult[]): Promise<Pick<ReportHalf, 'projects' | 'regulator' | 'completeness'>> {
  const projects: ReportProject[] = [];
  const regulator: ReportData['regulator'] = [];
  const input = await loadRoundInput(db, roundId);
  const streetNames = new Map<string, string>((await listStreets(db)).map((s) => [s.code, s.name]));
  for (const f of input.firms) {
    regulator.push({ firmUscc: f.uscc, detail: regulatorDetail(f.regulator) });
    for (const p of f.projects) {
      const resident = projectResidentScore(p.resident);
      projects.push({
        code: p.code,
        name: p.name,
        street: streetNames.get(p.street) ?? p.street,
        community: p.community,
        firmUscc: f.uscc,
        firmName: f.name,
        households: p.households,
        resident: resident === null ? null : roundHalfUpToHundredths(resident),
        residentResponses: p.resident?.count ?? 0,
        streetScore: p.streetScore,
        complaints: p.complaints,
      });
    }
  }
  const c = await roundCompleteness(db, roundId);
  const completeness: ReportData['completeness'] = {
    byStreet: c.byStreet.map((s) => ({ street: s.streetName, projects: s.projects, withStreetScore: s.withStreetScore, withResident: s.withResident })),
    firmsWithoutRegulator: c.firmsWithoutRegulator.length,
    insufficientSample: firms
      .filter((f) => f.flags.includes('insufficient_sample'))
      .map((f) => ({ uscc: f.uscc, name: f.name, responses: f.responses, required: f.requiredResponses ?? 0 })),
    surveyExclusions: (await surveyExclusions(db, roundId)).map(({ projectId: _, ...e }) => e),
  };
  return { projects, regulator, completeness };
}

/** The two half years a year-end round is made of (YYYY-H1, YYYY-H2), those that have a computation. */
async function annualHalves(db: Knex, code: string): Promise<ReportHalf[]> {
  const halves: ReportHalf[] = [];
  for (const half of halfYearCodes(code)) {
    const round = await findRound(db, half);
    const computation = round ? await latestComputation(db, round.id, { explanations: false }) : null;
    if (!round || !computation) continue;
    halves.push({ code: round.code, firms: computation.firms, ...(await halfDetail(db, round.id, computation.firms)) });
  }
  return halves;
}

export async function buildReportData(ctx: AppContext, code: string): Promise<ReportData> {
  const db = ctx.knex;
  const round = await getRound(db, code);
  const computation = await latestComputation(db, round.id, { explanations: false });
  if (!computation) throw new DomainError('ROUND_STATE', `评价周期 ${code} 尚未计算，不能生成报告。`);
  const firms = computation.firms;
  // The rules and slice sizes stored with the computation; for one stored before they were kept,
  // the same figures derived from the round's frozen rules.
  const rules = parseRules(computation.placement?.rules ?? round.rules);
  const ranked = computation.placement?.ranked ?? firms.filter((f) => f.rank !== null).length;
  const result: RoundResult = {
    roundCode: round.code,
    kind: round.kind,
    rulesHash: computation.rulesHash,
    firms,
    ranked,
    sliceSize: computation.placement?.sliceSize ?? sliceSizeOf(ranked, rules.red.share, rules.rounding),
    blackSliceSize: computation.placement?.blackSliceSize ?? sliceSizeOf(ranked, rules.black.share, rules.rounding),
  };

  let detail: Pick<ReportHalf, 'projects' | 'regulator' | 'completeness'> = {
    projects: [],
    regulator: [],
    completeness: { byStreet: [], firmsWithoutRegulator: 0, insufficientSample: [] },
  };
  let halves: ReportHalf[] = [];
  if (round.kind === 'half') detail = await halfDetail(db, round.id, firms);
  else halves = await annualHalves(db, round.code);
  const { projects, regulator, completeness } = detail;

  let previous: PreviousRound | null = null;
  const prev = await findRound(db, previousRoundCode(round.code));
  const prevComputation = prev ? await latestComputation(db, prev.id, { explanations: false }) : null;
  if (prev && prevComputation) {
    previous = { code: prev.code, imported: false, firms: prevComputation.firms.map((f) => ({ uscc: f.uscc, name: f.name, rank: f.rank, composite: f.composite, list: f.list })) };
  } else if (!prev && round.kind === 'half') {
    // The half year before the first one run here may be a list imported from before the system.
    const imported = await historyRound(db, previousRoundCode(round.code));
    if (imported) previous = { code: previousRoundCode(round.code), imported: true, firms: imported.map((f) => ({ uscc: f.uscc, name: f.name, rank: f.rank, composite: f.composite, list: f.list })) };
  }
  const certificates: Certificate[] = (await roundCertificates(db, { roundId: round.id })).map((c) => ({ uscc: c.uscc, number: c.number }));

  const rectifications: ReportData['rectifications'] = (await roundRectifications(db, { roundId: round.id })).map((r) => ({
    uscc: r.uscc,
    deadline: r.deadline,
    reinspectBy: r.reinspectBy,
    result: r.result,
  }));

  return {
    round: {
      code: round.code,
      kind: round.kind,
      status: round.status,
      publishedAt: round.publishedAt ? new Date(round.publishedAt).toISOString() : null,
      rulesJson: canonicalRulesJson(rules),
      rulesHash: round.rulesHash,
      method: methodLines(rules, round.kind),
    },
    result,
    projects,
    regulator,
    completeness,
    previous,
    halves,
    certificates,
    rectifications,
    history: await history(db, round),
    generatedAt: ctx.now().toISOString(),
  };
}

/**
 * Score cards and certificates from this many on are rendered on worker threads; fewer are rendered
 * in this thread, where they take less time than starting the workers (about 2 s of loading each).
 */
const POOL_FROM = 100;

/** A file name safe on Windows and Unix from a firm's name. */
function safeName(name: string): string {
  return [...name].map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch)).join('').slice(0, 80);
}

export async function writeRoundReport(
  ctx: AppContext,
  code: string,
  outDir: string,
  progress: ReportProgress,
  opts: { scoreCards?: ScoreCards } = {},
): Promise<string[]> {
  const data = await buildReportData(ctx, code);
  const firms = data.result.firms;
  const scoreCards = opts.scoreCards ?? (firms.length <= 500 ? 'all' : 'listed');
  const cardFirms = scoreCards === 'none' ? [] : firms.filter((f) => scoreCards === 'all' || f.list !== null);
  // Refused before anything is written while the issuer or the city is not set.
  const documents = await planDocuments(ctx, code, data);

  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  progress.start(1 + 4 + documents.count + cardFirms.length, `生成 ${code} 的报告`);
  const pictures = cardFirms.length + data.certificates.length;
  const renderer: PictureRenderer = pictures >= POOL_FROM ? createRenderPool() : inThreadRenderer(`只有 ${pictures} 张评分卡和证书`);
  try {
    // The score cards render on the workers while this thread writes the workbook and the charts;
    // their files are listed after those, as when they were made one after the other.
    if (cardFirms.length) await mkdir(join(outDir, 'score-cards'), { recursive: true });
    const cardFiles: string[] = [];
    const cards = renderInOrder(
      renderer,
      cardFirms,
      (firm) => ({ kind: 'score-card', firm: scoreCardFirm(firm), history: data.history[firm.uscc] ?? [], options: { roundCode: code, rankedFirms: data.result.ranked } }),
      async (firm, png) => {
        const file = join(outDir, 'score-cards', `${firm.rank ?? '未排名'}-${safeName(firm.name)}.png`);
        await writeFile(file, png);
        cardFiles.push(file);
        progress.tick(`评分卡 ${firm.name}`);
      },
    );
    cards.catch(() => {}); // awaited below, once the workbook and the charts are written; a failure of those stops the pool first

    const workbook = join(outDir, `${code}-评价结果.xlsx`);
    await writeRoundWorkbook(data, workbook);
    written.push(workbook);
    progress.tick('Excel 工作簿');

    await mkdir(join(outDir, 'charts'), { recursive: true });
    for (const chart of await renderRoundCharts(data)) {
      const file = join(outDir, 'charts', chart.name);
      await writeFile(file, chart.png);
      written.push(file);
      progress.tick(`图表 ${chart.name}`);
    }

    await cards;
    written.push(...cardFiles);

    await documents.write(
      outDir,
      (file, label) => {
        written.push(file);
        progress.tick(label);
      },
      renderer,
    );
  } finally {
    await renderer.close();
    progress.stop();
  }
  return written;
}
