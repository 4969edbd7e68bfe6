/**
 * A deterministic province (SPEC §9): streets, firms, projects and one half year's inputs of every
 * source, written as CSV files the way a bureau receives them. Everything derives from the sizes and
 * a hash of each index, so two runs write byte-identical files; rows are streamed to disk in chunks,
 * never held in memory (10 million survey rows are about 230 MB of CSV).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { makeUscc } from '../../src/domain/uscc';

export interface ProvinceSizes {
  firms: number;
  projects: number;
  streets: number;
  /** Target number of individual survey responses (the exact count is printed by the generator). */
  responses: number;
}

export const DEFAULT_SIZES: ProvinceSizes = { firms: 20_000, projects: 100_000, streets: 1_000, responses: 10_000_000 };

/** Integer hash of (index, salt) → [0, 2^32): deterministic "randomness" without a sequential state. */
export function mix(index: number, salt: number): number {
  let h = Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
const pick = (index: number, salt: number, n: number): number => mix(index, salt) % n;

export const streetCode = (s: number): string => `S${String(s).padStart(5, '0')}`;
export const projectCode = (p: number): string => `XM${String(p).padStart(7, '0')}`;
const usccCache = new Map<number, string>();
export function firmUscc(f: number): string {
  let code = usccCache.get(f);
  if (code === undefined) {
    code = makeUscc(`91${220000 + (f % 1000)}${String(1_000_000_000 + f).slice(1)}`);
    usccCache.set(f, code);
  }
  return code;
}
const DISTRICTS = ['南关区', '宽城区', '朝阳区', '二道区', '绿园区', '双阳区', '九台区', '磐石市', '蛟河市', '桦甸市'];
const WORDS = ['恒安', '润泽', '金盾', '鑫源', '宏达', '安居', '和顺', '嘉园', '万家', '瑞祥', '德信', '长青'];

/** Project p's firm and street: firms own 5 projects on average, unevenly; streets hold 100. */
export const firmOf = (p: number, sizes: ProvinceSizes): number => (p < sizes.firms ? p : pick(p, 1, sizes.firms));
export const streetOf = (p: number, sizes: ProvinceSizes): number => pick(p, 2, sizes.streets);
/** 150–1,449 households. */
export const householdsOf = (p: number): number => 150 + pick(p, 3, 1300);
/** One project in twenty reports a survey contractor's summary instead of individual responses. */
export const usesSummary = (p: number): boolean => pick(p, 4, 20) === 0;
/** A firm's quality 40–99: its inputs scatter around it, so the ranking has a shape. */
const qualityOf = (f: number): number => 40 + pick(f, 5, 60);
/** Firms with a deduction sheet instead of departments' scores (one in ten). */
export const usesDeductions = (f: number): boolean => pick(f, 6, 10) === 0;

/** Responses per project so that the total comes close to sizes.responses. */
export function responseRate(sizes: ProvinceSizes): number {
  let households = 0;
  for (let p = 0; p < sizes.projects; p += 1) if (!usesSummary(p)) households += householdsOf(p);
  return Math.min(1, sizes.responses / households);
}
export const responsesOf = (p: number, rate: number): number => (usesSummary(p) ? 0 : Math.max(1, Math.round(householdsOf(p) * rate)));
/** The k-th surveyed household of a project: 楼栋-单元-房号. */
export const householdOf = (k: number): string => `${1 + Math.floor(k / 60)}-${1 + (Math.floor(k / 20) % 3)}-${101 + (k % 20)}`;
/** A survey score in points, around the firm's quality, 0–100, sometimes with one decimal. */
function scoreOf(p: number, k: number, quality: number): string {
  const h = mix(p * 1021 + k, 7);
  const v = Math.max(0, Math.min(100, quality + (h % 41) - 20));
  return h % 7 === 0 && v < 100 ? `${v}.5` : String(v);
}

class CsvOut {
  private chunk = '';
  private readonly out;
  rows = 0;
  constructor(path: string, header: string | null) {
    this.out = createWriteStream(path);
    this.chunk = header === null ? '' : `${header}\n`;
  }
  async line(text: string): Promise<void> {
    this.chunk += `${text}\n`;
    this.rows += 1;
    if (this.chunk.length > 1 << 16) {
      const ok = this.out.write(this.chunk);
      this.chunk = '';
      if (!ok) await once(this.out, 'drain');
    }
  }
  async end(): Promise<number> {
    this.out.end(this.chunk);
    await once(this.out, 'finish');
    return this.rows;
  }
}

export interface ProvinceFiles {
  streets: string;
  firms: string;
  projects: string;
  survey: string;
  surveyCorrections: string;
  summary: string;
  regulator: string;
  deductions: string;
  street: string;
  events: string;
  complaints: string;
  counts: Record<string, number>;
}

/** Writes every input file into `dir`. */
export async function generateProvince(dir: string, sizes: ProvinceSizes): Promise<ProvinceFiles> {
  const file = (name: string): string => join(dir, name);
  const counts: Record<string, number> = {};

  const streets = new CsvOut(file('streets.csv'), '街道编码,街道名称,区县');
  for (let s = 0; s < sizes.streets; s += 1) await streets.line(`${streetCode(s)},第${s + 1}街道,${DISTRICTS[s % DISTRICTS.length]}`);
  counts.streets = await streets.end();

  const firms = new CsvOut(file('firms.csv'), '统一社会信用代码,企业名称,法定代表人,联系电话');
  for (let f = 0; f < sizes.firms; f += 1) {
    await firms.line(`${firmUscc(f)},${DISTRICTS[f % DISTRICTS.length]}${WORDS[pick(f, 8, WORDS.length)]}第${f + 1}物业服务有限公司,张${f % 100},0431${String(1000000 + f).slice(-7)}`);
  }
  counts.firms = await firms.end();

  const projects = new CsvOut(file('projects.csv'), '项目编号,项目名称,街道,社区,物业企业统一社会信用代码,户数,类型');
  const kinds = ['商品房', '商品房', '商品房', '老旧小区', '保障性住房'];
  for (let p = 0; p < sizes.projects; p += 1) {
    await projects.line(
      `${projectCode(p)},幸福家园${p + 1}号院,${streetCode(streetOf(p, sizes))},第${1 + pick(p, 9, 12)}社区,${firmUscc(firmOf(p, sizes))},${householdsOf(p)},${kinds[pick(p, 10, kinds.length)]}`,
    );
  }
  counts.projects = await projects.end();

  const rate = responseRate(sizes);
  const survey = new CsvOut(file('survey.csv'), '项目编号,户号,得分');
  const summary = new CsvOut(file('summary.csv'), '项目编号,有效样本数,平均分');
  for (let p = 0; p < sizes.projects; p += 1) {
    const quality = qualityOf(firmOf(p, sizes));
    if (usesSummary(p)) {
      await summary.line(`${projectCode(p)},${Math.max(1, Math.round(householdsOf(p) * 0.3))},${quality}.${pick(p, 11, 100).toString().padStart(2, '0')}`);
      continue;
    }
    const code = projectCode(p);
    const n = responsesOf(p, rate);
    for (let k = 0; k < n; k += 1) await survey.line(`${code},${householdOf(k)},${scoreOf(p, k, quality)}`);
  }
  counts.survey = await survey.end();
  counts.summary = await summary.end();

  // A second file: one household in a thousand answers again (replaces its answer, kept in history).
  const corrections = new CsvOut(file('survey-corrections.csv'), '项目编号,户号,满意度');
  const answers = ['非常满意', '满意', '一般', '不满意', '非常不满意'];
  for (let p = 0; p < sizes.projects; p += 1) {
    if (usesSummary(p) || pick(p, 12, 10) !== 0) continue;
    await corrections.line(`${projectCode(p)},${householdOf(0)},${answers[pick(p, 13, 5)]}`);
  }
  counts.surveyCorrections = await corrections.end();

  const regulator = new CsvOut(file('regulator.csv'), '统一社会信用代码,部门,得分');
  const deductions = new CsvOut(file('deductions.csv'), '统一社会信用代码,项目编号,扣分项,扣分,说明');
  const items = ['D01', 'D02', 'D03', 'D07', 'D08'];
  for (let f = 0; f < sizes.firms; f += 1) {
    const quality = qualityOf(f);
    if (usesDeductions(f)) {
      // The firm's own first project is f (firmOf(p) = p for p < firms).
      const n = (100 - quality) % 4;
      if (n === 0) await deductions.line(`${firmUscc(f)},,NONE,0,检查无扣分`);
      for (let i = 0; i < n; i += 1) await deductions.line(`${firmUscc(f)},${projectCode(f)},${items[(f + i) % items.length]},1.5,现场检查`);
    } else {
      await regulator.line(`${firmUscc(f)},市城管执法局,${Math.min(100, quality + pick(f, 14, 9) - 4)}`);
      await regulator.line(`${firmUscc(f)},市消防救援支队,${Math.min(100, quality + pick(f, 15, 9) - 4)}`);
    }
  }
  counts.regulator = await regulator.end();
  counts.deductions = await deductions.end();

  const street = new CsvOut(file('street.csv'), '项目编号,得分,备注');
  const complaints = new CsvOut(file('complaints.csv'), '项目编号,投诉数');
  for (let p = 0; p < sizes.projects; p += 1) {
    const quality = qualityOf(firmOf(p, sizes));
    await street.line(`${projectCode(p)},${Math.max(0, Math.min(100, quality + pick(p, 16, 11) - 5))},街道评议`);
    await complaints.line(`${projectCode(p)},${quality < 50 ? pick(p, 17, 40) : pick(p, 17, 4)}`);
  }
  counts.street = await street.end();
  counts.complaints = await complaints.end();

  // One firm in 500 has an event; one in 5,000 a veto.
  const events = new CsvOut(file('events.csv'), '统一社会信用代码,项目编号,日期,类型,一票否决,严重程度,说明');
  for (let f = 0; f < sizes.firms; f += 1) {
    if (pick(f, 18, 500) !== 0) continue;
    const veto = pick(f, 19, 10) === 0;
    await events.line(`${firmUscc(f)},${projectCode(f)},2025-0${1 + pick(f, 20, 6)}-1${pick(f, 21, 9)},${veto ? '挪用专项维修资金' : '消防通道堵塞'},${veto ? '是' : '否'},${veto ? '严重' : '一般'},执法检查`);
  }
  counts.events = await events.end();

  return {
    streets: file('streets.csv'),
    firms: file('firms.csv'),
    projects: file('projects.csv'),
    survey: file('survey.csv'),
    surveyCorrections: file('survey-corrections.csv'),
    summary: file('summary.csv'),
    regulator: file('regulator.csv'),
    deductions: file('deductions.csv'),
    street: file('street.csv'),
    events: file('events.csv'),
    complaints: file('complaints.csv'),
    counts,
  };
}

/**
 * The survey file in survey_responses' own shape (round_id, project_id, household, score in
 * hundredths, entered_by, import_id), for the reference COPY: the same rows and columns the import
 * writes, in the same order.
 */
export async function writeCopyFile(path: string, sizes: ProvinceSizes, roundId: number, projectIds: ReadonlyMap<string, number>): Promise<number> {
  const out = new CsvOut(path, null);
  const rate = responseRate(sizes);
  for (let p = 0; p < sizes.projects; p += 1) {
    if (usesSummary(p)) continue;
    const quality = qualityOf(firmOf(p, sizes));
    const id = projectIds.get(projectCode(p));
    if (id === undefined) throw new Error(`project ${projectCode(p)} not in the database`);
    const n = responsesOf(p, rate);
    for (let k = 0; k < n; k += 1) await out.line(`${roundId},${id},${householdOf(k)},${Math.round(Number(scoreOf(p, k, quality)) * 100)},bench,1`);
  }
  return out.end();
}
