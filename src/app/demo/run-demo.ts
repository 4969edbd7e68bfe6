/**
 * `hhb demo`: the whole cycle of SPEC §8 on a generated city — imports from CSV files, two half-year
 * rounds and the year-end round through publication, follow-up of the black list, and the reports.
 * The clock is simulated so that every notice period runs its full course.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { RoundResult } from '../../domain/types';
import type { AppContext } from '../context';
import { importMasterData } from '../import-master-data';
import { importRoundData, type RoundDataKind } from '../import-round-data';
import { DomainError } from '../../domain/errors';
import { type CompletenessSummary, closeRound, computeRound, createRound, openRound, publicizeRound, publishRound, reopenRound, sampleShortfallText } from '../rounds';
import { recordReinspection } from '../follow-up';
import { writeRoundReport, type ReportProgress } from '../report';
import { generateSampleCity, type DemoFile, type DemoOnlineSurvey } from './sample-city';
import { readSettings, setSettings, surveyBaseUrlSetting } from '../settings';
import { issueSurveyCodes, writeSurveyLetterFiles } from '../survey-codes';
import { surveyCodesCsv } from '../../reports/survey-letters';
import { readRoster } from '../survey-roster';
import { openSurveyCode, submitSurveyAnswer, surveyCodeLimiter } from '../survey-answers';
import { surveyAnomalyReport } from '../survey-anomalies';
import { proposals as listProposalRecords } from '../../db/follow-up-repo';

export interface DemoRound {
  code: string;
  result: RoundResult;
  reportFiles: string[];
}

export interface DemoOutcome {
  inputsDir: string;
  reportsDir: string;
  rounds: DemoRound[];
  proposals: { round: string; firm: string; kind: string; reason: string }[];
  story: ReturnType<typeof generateSampleCity>['story'];
  /** The online survey of the second half year: its projects, the stuffed one, where the letters are. */
  online: { round: string; projects: string[]; stuffed: string | null; households: number; lettersDir: string };
}

/** Where the demo's survey answers come from: a local address, so `hhb serve` opens the letters' QR codes. */
export const DEMO_BASE_URL = 'http://localhost:3000';

/**
 * The online survey of a round, by its own path: codes issued from the roster (letters and codes.csv
 * written under the round's reports), then each household answering with its code at its time.
 */
async function collectOnline(ctx: AppContext, survey: DemoOnlineSurvey, rosterFile: string, lettersDir: string, printLetters: boolean, log: (line: string) => void): Promise<number> {
  const roster = { fileName: 'roster.csv', households: await readRoster(await readFile(rosterFile), rosterFile) };
  await mkdir(lettersDir, { recursive: true });
  const codes = new Map<string, string>();
  const [year] = survey.round.split('-');
  // Letters are printed for the first project only (a thousand pages show the layout as well as five
  // thousand), and not at all without reports; every project's codes go out as codes.csv for mail-merge.
  const printed = printLetters ? survey.projects[0] : undefined;
  for (const project of survey.projects) {
    const issued = await issueSurveyCodes(at(ctx, `${year}-07-08T10:00:00`), { round: survey.round, project, roster }, async (out, trx) => {
      const csv = join(lettersDir, `${project}-codes.csv`);
      if (project !== printed) return writeFile(csv, surveyCodesCsv(out.codes, out.householdLabel));
      const files = await writeSurveyLetterFiles(out, trx, createWriteStream(join(lettersDir, `${project}-户码通知.pdf`)));
      await writeFile(csv, files.csv);
    });
    for (const c of issued.codes) codes.set(`${c.projectCode} ${c.household}`, c.code);
  }
  const limiter = surveyCodeLimiter(ctx.knex);
  let replaced = 0;
  for (const a of survey.answers) {
    const code = codes.get(`${a.project} ${a.household}`);
    if (code === undefined) throw new Error(`示例数据的网上答案没有户码：${a.project} ${a.household}`);
    // The phone page shows the questionnaire, and the household answers some seconds later.
    const shown = new Date(new Date(`${a.at}+08:00`).getTime() - a.seconds * 1000);
    await openSurveyCode({ ...ctx, now: () => shown }, limiter, code, a.address, { shown: true });
    const out = await submitSurveyAnswer(at(ctx, a.at), limiter, { code, answers: a.answers, comment: a.comment, address: a.address, userAgent: a.agent });
    if (out.replaced) replaced += 1;
  }
  const households = new Set(survey.answers.map((a) => `${a.project} ${a.household}`)).size;
  const letters = printed === undefined ? '各项目的 codes.csv（未打印通知书：--no-reports）' : `${printed} 的通知书和各项目的 codes.csv`;
  log(`${survey.round} 扫码评价：${survey.projects.length} 个项目发放户码 ${codes.size} 个，网上作答 ${households} 户（${replaced} 户修改过答案）；${letters} 在 ${lettersDir}；查看：npx hhb survey progress|anomalies|comments ${survey.round}`);
  return households;
}

const KIND_TO_IMPORT: Partial<Record<DemoFile['kind'], RoundDataKind>> = {
  'survey-responses': 'resident',
  'survey-summary': 'resident-summary',
  regulator: 'regulator',
  deductions: 'deductions',
  street: 'street',
  events: 'events',
  complaints: 'complaints',
};

/** The sample city (SPEC §8) and its housing bureau. */
export const DEMO_SETTINGS = { issuer: '磐石市住房和城乡建设局', city: '磐石市' } as const;

/**
 * The file as the demo imports it: the survey contractor's individual answers of the round without
 * the projects whose households answer online (they would replace the online answers).
 */
function importedCsv(f: DemoFile, online: DemoOnlineSurvey): string {
  if (f.kind !== 'survey-responses' || f.round !== online.round) return f.csv;
  const leftOut = new Set(online.projects);
  const [header, ...rows] = parse(f.csv) as string[][];
  return stringify([header as string[], ...rows.filter((r) => !leftOut.has(r[0] as string))]);
}

/** A context whose clock reads the given Beijing time. */
function at(ctx: AppContext, isoLocal: string): AppContext {
  const instant = new Date(`${isoLocal}+08:00`);
  return { ...ctx, now: () => instant };
}

export async function runDemo(
  ctx: AppContext,
  opts: { seed: number; year: number; outDir: string; log: (line: string) => void; progress: ReportProgress; reports?: boolean },
): Promise<DemoOutcome> {
  const { year, log } = opts;
  const city = generateSampleCity(opts.seed, year);
  const inputsDir = join(opts.outDir, 'inputs');
  await mkdir(inputsDir, { recursive: true });
  for (const f of city.files) await writeFile(join(inputsDir, f.name), `\uFEFF${importedCsv(f, city.online)}`, 'utf8');
  log(`已生成示例市数据（种子 ${opts.seed}）：${city.files.length} 个 CSV 文件，位于 ${inputsDir}`);

  const setup = at(ctx, `${year}-01-04T09:00:00`);
  // The sample city's issuer and city, printed on its notices and certificates (a bureau's own are kept).
  const current = await readSettings(setup);
  const demoSettings: Record<string, string> = Object.fromEntries(Object.entries(DEMO_SETTINGS).filter(([key]) => current[key as keyof typeof current].value === null));
  // The letters' QR codes open the local site that `hhb serve` starts (a bureau's own address is kept).
  if ((await surveyBaseUrlSetting(setup)).value === null) demoSettings.base_url = DEMO_BASE_URL;
  if (Object.keys(demoSettings).length) {
    await setSettings(setup, demoSettings);
    log(`已设置示例市的发文单位和城市名称：${Object.values(demoSettings).join('，')}`);
  }
  for (const kind of ['streets', 'firms', 'projects'] as const) {
    const file = city.files.find((f) => f.kind === kind) as DemoFile;
    const s = await importMasterData(setup, kind, join(inputsDir, file.name));
    log(`导入${kind === 'streets' ? '街道' : kind === 'firms' ? '企业' : '项目'} ${s.rows} 行`);
  }

  const lettersDir = join(opts.outDir, city.online.round, '户码通知');
  let onlineHouseholds = 0;
  const rounds: DemoRound[] = [];
  const halves = [
    { code: `${year}-H1`, open: `${year}-01-05`, close: `${year}-07-03`, publicize: `${year}-07-10`, publish: `${year}-07-20` },
    { code: `${year}-H2`, open: `${year}-07-06`, close: `${year + 1}-01-04`, publicize: `${year + 1}-01-10`, publish: `${year + 1}-01-20` },
  ];
  for (const h of halves) {
    await createRound(at(ctx, `${h.open}T08:30:00`), { code: h.code });
    await openRound(at(ctx, `${h.open}T09:00:00`), h.code);
    const imports = async (files: DemoFile[], time: string): Promise<void> => {
      for (const f of files) {
        const kind = KIND_TO_IMPORT[f.kind];
        if (!kind) continue;
        const s = await importRoundData(at(ctx, time), h.code, kind, join(inputsDir, f.name));
        log(`${h.code} 导入${s.label} ${s.rows} 行${f.late ? '（补录）' : ''}`);
      }
    };
    const logCompleteness = (c: CompletenessSummary): void => {
      for (const p of c.problems) log(`${h.code} 完整性：${p}`);
      for (const s of c.insufficientSample ?? []) log(`${h.code} 样本量不足：${sampleShortfallText(s)}`);
    };
    const roundFiles = city.files.filter((x) => x.round === h.code);
    if (city.online.round === h.code && city.online.projects.length > 0) {
      const roster = roundFiles.find((f) => f.kind === 'survey-roster') as DemoFile;
      onlineHouseholds = await collectOnline(ctx, city.online, join(inputsDir, roster.name), lettersDir, opts.reports !== false, log);
      // What `hhb survey anomalies` shows the bureau before the round closes.
      for (const p of (await surveyAnomalyReport(at(ctx, `${h.close}T08:00:00`), h.code)).projects) {
        log(`${h.code} 扫码评价异常：项目 ${p.projectCode}（${p.answers} 份）${p.anomalies.map((a) => a.reason).join('；')}`);
      }
    }
    await imports(roundFiles.filter((f) => !f.late), `${h.close}T08:00:00`);
    logCompleteness(await closeRound(at(ctx, `${h.close}T09:00:00`), h.code));
    const late = roundFiles.filter((f) => f.late);
    if (late.length > 0) {
      // The realistic path of SPEC §5.3: compute is refused while projects lack a score; the bureau
      // reopens entries, the street hands in its late scores, and the round closes complete.
      try {
        await computeRound(at(ctx, `${h.close}T09:30:00`), h.code, { force: false });
        throw new Error('示例数据有意缺少街道评分，计算本应被拒绝');
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'MISSING_SOURCES') throw error;
        log(`${h.code} 计算被拒绝：${error.message}`);
      }
      await reopenRound(at(ctx, `${h.close}T09:40:00`), h.code, '补录街道评分后重新计算');
      log(`${h.code} 已重新开放录入，补录街道评分`);
      await imports(late, `${h.close}T09:50:00`);
      logCompleteness(await closeRound(at(ctx, `${h.close}T09:55:00`), h.code));
    }
    const { result } = await computeRound(at(ctx, `${h.close}T10:00:00`), h.code, { force: false });
    await publicizeRound(at(ctx, `${h.publicize}T09:00:00`), h.code, { days: 7 });
    await publishRound(at(ctx, `${h.publish}T09:00:00`), h.code, { early: false });
    log(`${h.code} 已发布`);
    rounds.push({ code: h.code, result, reportFiles: [] });

    if (h.code.endsWith('H1')) {
      // 回头看: the two black-listed firms are re-inspected within the deadline.
      const reinspect = at(ctx, `${year}-08-25T10:00:00`);
      for (const firm of result.firms.filter((f) => f.list === 'black')) {
        const passed = firm.uscc !== city.story.repeatOffender;
        await recordReinspection(reinspect, {
          round: h.code,
          uscc: firm.uscc,
          result: passed ? 'passed' : 'failed',
          note: passed ? '复查合格：整改措施落实到位' : '复查不合格：主要问题未整改',
        });
        log(`${h.code} 整改复查：${firm.name} ${passed ? '通过' : '未通过'}`);
      }
    }
  }

  const annual = `${year}-Y`;
  await createRound(at(ctx, `${year + 1}-01-21T09:00:00`), { code: annual });
  await openRound(at(ctx, `${year + 1}-01-21T09:05:00`), annual);
  await closeRound(at(ctx, `${year + 1}-01-21T09:10:00`), annual);
  const { result: annualResult } = await computeRound(at(ctx, `${year + 1}-01-21T09:15:00`), annual, { force: false });
  await publicizeRound(at(ctx, `${year + 1}-01-22T09:00:00`), annual, { days: 7 });
  await publishRound(at(ctx, `${year + 1}-02-01T09:00:00`), annual, { early: false });
  log(`${annual} 已发布`);
  rounds.push({ code: annual, result: annualResult, reportFiles: [] });

  if (opts.reports !== false) {
    for (const r of rounds) r.reportFiles = await writeRoundReport(ctx, r.code, join(opts.outDir, r.code), opts.progress);
  }

  // Code-unit order, as the embedded database's C collation sorts them.
  const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const proposals = (await listProposalRecords(ctx.knex))
    .map((p) => ({ round: p.roundCode, firm: p.firmName, kind: p.kind as string, reason: p.reason }))
    .sort((a, b) => byText(a.round, b.round) || byText(a.kind, b.kind) || byText(a.firm, b.firm));

  const online = { round: city.online.round, projects: city.online.projects, stuffed: city.online.stuffed, households: onlineHouseholds, lettersDir };
  return { inputsDir, reportsDir: opts.outDir, rounds, proposals, story: city.story, online };
}
