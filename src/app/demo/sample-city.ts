/**
 * The sample city of SPEC §8: 35 firms, about 120 projects over 8 streets, two half-year rounds of
 * survey responses, regulator and street scores, events and complaints — generated deterministically
 * from a seed as the CSV files a bureau would receive, so `hhb demo` runs the real import path.
 *
 * The firms' underlying quality is laid out so that, with the default rules, the first half year
 * gives 3 red and 2 black (SPEC §1, Panshi's first round); the noise on individual answers is small
 * against the gaps at the cut-offs, so every seed keeps that outcome.
 */
import { stringify } from 'csv-stringify/sync';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeUscc } from '../../domain/uscc';
import { BURST_ANSWERS } from '../../domain/survey-anomalies';
import { DEFAULT_QUESTIONNAIRE } from '../../domain/survey-questionnaire';
import type { SurveyAnswer } from '../../domain/types';

export interface DemoFile {
  /** File name under the demo's inputs folder. */
  name: string;
  kind:
    | 'streets'
    | 'firms'
    | 'projects'
    | 'survey-responses'
    | 'survey-summary'
    | 'regulator'
    | 'deductions'
    | 'street'
    | 'events'
    | 'complaints'
    | 'survey-roster';
  /** Round code for per-round files. */
  round: string | null;
  /**
   * Entries that come in late: left out of the first close, so the demo's compute is refused
   * (SPEC §5.3) until the round is reopened and they are imported.
   */
  late?: boolean;
  csv: string;
}

/** One household's online answer (扫码评价), as the demo submits it through the survey's own path. */
export interface DemoOnlineAnswer {
  project: string;
  /** 户号 of the roster. */
  household: string;
  answers: Record<string, SurveyAnswer>;
  comment: string | null;
  /** Beijing time, yyyy-mm-ddThh:mm:ss. */
  at: string;
  /** Seconds between the phone page showing the questionnaire and the answer. */
  seconds: number;
  address: string;
  agent: string;
}

/**
 * The online survey of the demo's second half year: some projects' households answer online
 * instead of through the survey contractor's file — each household with the very score the file
 * would have given it, so the published results are those of the file — and one firm stuffs its own
 * project: its top-mark households all "answer" within minutes, from one address, all 非常满意, each a
 * few seconds after the page shows the questionnaire.
 */
export interface DemoOnlineSurvey {
  round: string;
  /**
   * The projects answering online, by code (their roster is the `survey-roster` file); the survey
   * contractor's files still hold their households' answers, which the demo leaves out.
   */
  projects: string[];
  /** The stuffed project, or null when no project of the city has enough top marks to stuff. */
  stuffed: string | null;
  /** In answering order; a household answering twice appears twice (the later stands). */
  answers: DemoOnlineAnswer[];
}

export interface SampleCity {
  year: number;
  cityName: string;
  files: DemoFile[];
  online: DemoOnlineSurvey;
  /** USCCs by role in the story the demo tells (for the summary and the tests). */
  story: {
    /** Black in H1 and again in H2 with a failed re-inspection: a disqualification proposal. */
    repeatOffender: string;
    /** Black in H1, passes its re-inspection, improves in H2. */
    reformed: string;
    /** A veto event (misuse of maintenance funds) in H2. */
    vetoed: string;
    /** Survey short of the minimum in H1. */
    shortSample: string;
    /** Projects whose street scores the street hands in late in H1 (the refused compute). */
    lateStreetScores: string[];
  };
}

const STREETS = [
  ['220284001', '东宁街道', '示例市'],
  ['220284002', '福安街道', '示例市'],
  ['220284003', '河北街道', '示例市'],
  ['220284004', '新城街道', '示例市'],
  ['220284005', '明城街道', '示例市'],
  ['220284006', '宏日街道', '示例市'],
  ['220284007', '吉昌街道', '示例市'],
  ['220284008', '石嘴街道', '示例市'],
] as const;

/** The street that hands in some of its H1 scores late. */
const LATE_STREET = '石嘴街道';

const FIRM_WORDS = [
  '恒安', '润泽', '金盾', '鑫源', '宏达', '安居', '和顺', '嘉园', '锦绣', '万福', '康乐', '盛世', '华庭', '绿城',
  '佳和', '永泰', '瑞丰', '德信', '长青', '鸿运', '聚福', '新天地', '龙腾', '祥和', '益民', '昌盛', '天韵', '美好',
  '富华', '东方', '正阳', '金桥', '银河', '晨光', '松林',
];
const ESTATE_WORDS = ['花园', '家园', '小区', '雅苑', '名都', '新村', '公寓', '佳苑', '御景', '福地'];
const ESTATE_HEADS = ['幸福', '阳光', '翠湖', '锦江', '北山', '南湖', '金地', '世纪', '滨河', '文化', '建设', '友谊', '和平', '铁东', '长安'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['建国', '秀英', '志强', '丽华', '海涛', '春梅', '立新', '桂兰', '德明', '玉珍', '晓东', '凤英'];
const DEPARTMENTS = ['市城市管理行政执法局', '市消防救援大队', '市市场监督管理局'];

/**
 * H1 target composites of the 35 firms, best first. Top 3 ≥ 85 (red); 4th well below; the bottom
 * slice of 3 holds one firm above 60 (key supervision) and two below (black).
 */
const TARGETS_H1 = [
  92.0, 90.5, 88.8, 83.2, 82.6, 82.0, 81.3, 80.6, 80.0, 79.3, 78.6, 77.9, 77.2, 76.5, 75.8, 75.1, 74.4, 73.7, 73.0,
  72.3, 71.6, 70.9, 70.2, 69.5, 68.8, 68.1, 67.4, 66.7, 66.0, 65.3, 64.6, 63.9, 62.8, 56.5, 52.0,
];

interface Firm {
  uscc: string;
  name: string;
  legalRep: string;
  phone: string;
}
interface Project {
  code: string;
  name: string;
  street: string;
  community: string;
  firm: number;
  households: number;
  kind: string;
}

/** SPEC §5.5 minimum sample for N households (the demo aims a little above it). */
function surveyMinimum(households: number): number {
  const e = households < 2500 ? 0.05 : households < 10000 ? 0.04 : 0.03;
  const n0 = (1.96 * 1.96 * 0.25) / (e * e);
  return Math.ceil(n0 / (1 + (n0 - 1) / households));
}

function csv(header: string[], rows: (string | number)[][]): string {
  return stringify([header, ...rows]);
}

export function generateSampleCity(seed = 2025, year = 2025): SampleCity {
  const rng = xoroshiro128plus(seed);
  const int = (from: number, to: number): number => uniformInt(rng, from, to);
  /** Uniform in [-spread, spread] with 0.1 resolution. */
  const jitter = (spread: number): number => int(-spread * 10, spread * 10) / 10;
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)] as T;
  const clampScore = (x: number): number => Math.max(0, Math.min(100, Math.round(x * 10) / 10));

  const firms: Firm[] = FIRM_WORDS.map((word, i) => ({
    // 9 工商, 1 企业, 220284 region, then a 9-character organisation code, then the check character.
    uscc: makeUscc(`91220284${String(100000 + i * 7919).padStart(8, '0')}${String(i % 10)}`),
    name: `示例市${word}物业服务有限公司`,
    legalRep: `${pick(SURNAMES)}${pick(GIVEN)}`,
    phone: `0432-6${String(2000000 + i * 3137).slice(-6)}`,
  }));

  // Quality order: a seeded shuffle of firms onto the target ladder.
  const order = firms.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const targetH1 = new Map<number, number>(order.map((firm, pos) => [firm, TARGETS_H1[pos] as number]));
  const at = (pos: number): number => order[pos] as number;
  const repeatOffender = at(33);
  const reformed = at(34);
  const vetoed = at(14);
  const shortSample = at(9);
  const noisy = at(20);
  const complainer = at(16);

  const targetH2 = new Map<number, number>();
  for (const [firm, t] of targetH1) {
    let next = t + jitter(1.5);
    if (pos(firm) < 3) next = t - 0.5; // the leaders stay leaders
    if (firm === repeatOffender) next = 57.5;
    if (firm === reformed) next = 67.0;
    targetH2.set(firm, next);
  }
  function pos(firm: number): number {
    return order.indexOf(firm);
  }

  // Projects: 3–4 per firm, 122 in all, spread over the 8 streets.
  const projects: Project[] = [];
  firms.forEach((_, f) => {
    const count = f % 3 === 0 ? 4 : 3 + (f % 5 === 0 ? 1 : 0);
    for (let k = 0; k < count; k += 1) {
      const street = STREETS[(f * 3 + k * 5) % STREETS.length] as (typeof STREETS)[number];
      const n = projects.length + 1;
      projects.push({
        code: `P${String(n).padStart(4, '0')}`,
        name: `${pick(ESTATE_HEADS)}${pick(ESTATE_WORDS)}${n % 4 === 0 ? `${(n % 3) + 1}期` : ''}`,
        street: street[1],
        community: `${street[1].replace('街道', '')}${pick(['第一', '第二', '第三', '东', '西'])}社区`,
        firm: f,
        households: int(3, 15) * 100 + int(0, 99),
        kind: n % 7 === 0 ? '老旧小区' : n % 11 === 0 ? '保障性住房' : '商品房',
      });
    }
  });

  const files: DemoFile[] = [
    { name: 'streets.csv', kind: 'streets', round: null, csv: csv(['街道编码', '街道名称', '区县'], STREETS.map((s) => [...s])) },
    {
      name: 'firms.csv',
      kind: 'firms',
      round: null,
      csv: csv(['统一社会信用代码', '企业名称', '法定代表人', '联系电话'], firms.map((f) => [f.uscc, f.name, f.legalRep, f.phone])),
    },
    {
      name: 'projects.csv',
      kind: 'projects',
      round: null,
      csv: csv(
        ['项目编号', '项目名称', '街道', '社区', '物业企业统一社会信用代码', '户数', '类型'],
        projects.map((p) => [p.code, p.name, p.street, p.community, (firms[p.firm] as Firm).uscc, p.households, p.kind]),
      ),
    },
  ];

  let online: DemoOnlineSurvey = { round: `${year}-H2`, projects: [], stuffed: null, answers: [] };
  const halves: [string, Map<number, number>][] = [
    [`${year}-H1`, targetH1],
    [`${year}-H2`, targetH2],
  ];
  for (const [round, targets] of halves) {
    const scoreRows: (string | number)[][] = [];
    const answerRows: (string | number)[][] = [];
    const summaryRows: (string | number)[][] = [];
    const streetRows: (string | number)[][] = [];
    const lateStreetRows: (string | number)[][] = [];
    const complaintRows: (string | number)[][] = [];
    firms.forEach((_, f) => {
      const t = targets.get(f) as number;
      const own = projects.filter((p) => p.firm === f);
      const households = own.reduce((s, p) => s + p.households, 0);
      const factor = f === shortSample && round.endsWith('H1') ? 0.7 : 1.08;
      const wanted = Math.ceil(surveyMinimum(households) * factor);
      const useSummary = f % 4 === 1; // a survey contractor's summary for about a quarter of the firms
      for (const p of own) {
        const n = Math.min(p.households, Math.ceil((wanted * p.households) / households));
        if (useSummary) {
          summaryRows.push([p.code, n, clampScore(t + jitter(0.8)).toFixed(2)]);
        } else if (p.households % 3 === 0) {
          // five-level answers with expected value t: a mix of the two levels around t
          const low = Math.max(20, Math.min(80, Math.floor(t / 20) * 20));
          const share = (t - low) / 20;
          const levels: Record<number, string> = { 100: '非常满意', 80: '满意', 60: '一般', 40: '不满意', 20: '非常不满意' };
          for (let i = 0; i < n; i += 1) {
            const value = int(0, 999) < share * 1000 ? low + 20 : low;
            answerRows.push([p.code, household(i), levels[value] as string]);
          }
        } else {
          for (let i = 0; i < n; i += 1) scoreRows.push([p.code, household(i), clampScore(t + jitter(8)).toFixed(0)]);
        }
        const streetRow = [p.code, clampScore(t + jitter(2)).toFixed(1), ''];
        // 石嘴街道 hands in its two first projects' scores after the first close of H1.
        if (round.endsWith('H1') && p.street === LATE_STREET && lateStreetRows.length < 2) lateStreetRows.push(streetRow);
        else streetRows.push(streetRow);
        const rate = f === complainer ? 24 : f === at(34) && round.endsWith('H1') ? 22 : int(2, 12);
        complaintRows.push([p.code, Math.round((p.households * rate) / 1000)]);
      }
    });
    if (round.endsWith('H2')) {
      // The contractor's file keeps every household; the demo leaves the online projects' rows out of what it imports.
      online = onlineSurvey(seed, year, round, answerRows);
      const moved = new Set(online.projects);
      const rosterRows: string[][] = [];
      for (const p of projects) if (moved.has(p.code)) for (let i = 0; i < p.households; i += 1) rosterRows.push([p.code, household(i)]);
      files.push({ name: `${round}-roster.csv`, kind: 'survey-roster', round, csv: csv(['项目编号', '户号'], rosterRows) });
    }
    const regulatorRows: (string | number)[][] = [];
    firms.forEach((firm, f) => {
      const t = targets.get(f) as number;
      for (const d of DEPARTMENTS) regulatorRows.push([firm.uscc, d, clampScore(t + jitter(1.5)).toFixed(1)]);
    });
    const eventRows: (string | number)[][] = [];
    const month = round.endsWith('H1') ? 3 : 9;
    const noisyFirm = firms[noisy] as Firm;
    eventRows.push([noisyFirm.uscc, '', `${year}-0${month}-12`, '违规装修未制止', '否', '一般', '街道巡查发现，已责令整改']);
    if (round.endsWith('H2')) {
      const v = firms[vetoed] as Firm;
      const vp = projects.find((p) => p.firm === vetoed) as Project;
      eventRows.push([v.uscc, vp.code, `${year}-10-08`, '挪用专项维修资金', '是', '严重', '经审计查实挪用维修资金 36 万元']);
    }
    files.push(
      { name: `${round}-survey-scores.csv`, kind: 'survey-responses', round, csv: csv(['项目编号', '户号', '得分'], scoreRows) },
      { name: `${round}-survey-answers.csv`, kind: 'survey-responses', round, csv: csv(['项目编号', '户号', '满意度'], answerRows) },
      { name: `${round}-survey-summary.csv`, kind: 'survey-summary', round, csv: csv(['项目编号', '有效样本数', '平均分'], summaryRows) },
      { name: `${round}-regulator.csv`, kind: 'regulator', round, csv: csv(['统一社会信用代码', '部门', '得分'], regulatorRows) },
      { name: `${round}-street.csv`, kind: 'street', round, csv: csv(['项目编号', '得分', '备注'], streetRows) },
      ...(lateStreetRows.length
        ? [{ name: `${round}-street-late.csv`, kind: 'street' as const, round, late: true, csv: csv(['项目编号', '得分', '备注'], lateStreetRows) }]
        : []),
      {
        name: `${round}-events.csv`,
        kind: 'events',
        round,
        csv: csv(['统一社会信用代码', '项目编号', '日期', '类型', '一票否决', '严重程度', '说明'], eventRows),
      },
      { name: `${round}-complaints.csv`, kind: 'complaints', round, csv: csv(['项目编号', '投诉数'], complaintRows) },
    );
  }

  const uscc = (f: number): string => (firms[f] as Firm).uscc;
  return {
    year,
    cityName: '示例市',
    files,
    online,
    story: {
      repeatOffender: uscc(repeatOffender),
      reformed: uscc(reformed),
      vetoed: uscc(vetoed),
      shortSample: uscc(shortSample),
      lateStreetScores: files.filter((f) => f.late).flatMap((f) => f.csv.trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[0] as string)),
    },
  };
}

/** Household code building-unit-room, unique for i < 9,999. */
function household(i: number): string {
  const building = Math.floor(i / 24) + 1;
  const unit = Math.floor((i % 24) / 12) + 1;
  const room = (Math.floor((i % 12) / 2) + 1) * 100 + (i % 2) + 1;
  return `${building}-${unit}-${room}`;
}

const LEVEL_VALUES: Record<SurveyAnswer, number> = { 非常满意: 100, 满意: 80, 一般: 60, 不满意: 40, 非常不满意: 20 };
const LEVEL_OF: Record<number, SurveyAnswer> = { 100: '非常满意', 80: '满意', 60: '一般', 40: '不满意', 20: '非常不满意' };
const PRAISE = ['保安很负责，晚上巡逻也认真。', '保洁阿姨每天都打扫楼道，很干净。', '报修当天就有人来修，服务态度好。', '小区绿化比去年好多了。', '管家回复及时，希望继续保持。'];
const COMPLAINTS = ['地下车库的灯坏了一个多月没人修。', '垃圾清运不及时，夏天味道很大。', '电梯经常停运，报修后拖了好几天。', '外来车辆随便进出，门岗形同虚设。', '绿化带很久没修剪了，杂草丛生。'];
const PHONES = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49',
  'Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36',
];
/** The property office's computer, from which the stuffed answers come. */
const OFFICE = { address: '222.161.35.18', agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' };

/**
 * Chooses the demo's online projects among those answered with the five levels and builds their
 * answers. Drawn from a generator of its own, so the city's other data stay what the seed made them.
 * A household of value v answers the five items with levels whose mean is v (its file score); the
 * stuffed project is the one with the most top-mark households (at least a burst's worth), and the
 * honest projects are those without top marks, enough of them that the stuffed pattern stays rare
 * city-wide.
 */
function onlineSurvey(seed: number, year: number, round: string, answerRows: readonly (string | number)[][]): DemoOnlineSurvey {
  const rng = xoroshiro128plus(seed + 7717);
  const int = (from: number, to: number): number => uniformInt(rng, from, to);
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)] as T;
  const items = DEFAULT_QUESTIONNAIRE.items.map((i) => i.name);

  const byProject = new Map<string, { household: string; value: number }[]>();
  for (const [code, hh, level] of answerRows) {
    const list = byProject.get(code as string) ?? [];
    list.push({ household: hh as string, value: LEVEL_VALUES[level as SurveyAnswer] });
    byProject.set(code as string, list);
  }
  const codes = [...byProject.keys()].sort();
  const tops = (code: string): number => (byProject.get(code) ?? []).filter((h) => h.value === 100).length;
  const stuffedCandidates = codes.filter((c) => tops(c) >= BURST_ANSWERS).sort((a, b) => tops(b) - tops(a) || (a < b ? -1 : 1));
  const stuffed = stuffedCandidates[0] ?? null;
  const honest: string[] = [];
  let honestAnswers = 0;
  for (const code of codes) {
    if (code === stuffed || tops(code) > 0) continue;
    if (honest.length >= 3 && honestAnswers >= 4 * (stuffed ? tops(stuffed) : 0)) break;
    honest.push(code);
    honestAnswers += (byProject.get(code) ?? []).length;
  }

  /** Five levels with mean `value`, shuffled a little from all-equal. */
  const levelsFor = (value: number): Record<string, SurveyAnswer> => {
    const points = items.map(() => value);
    for (let k = int(0, 3); k > 0; k -= 1) {
      const i = int(0, points.length - 1);
      const j = int(0, points.length - 1);
      if (i !== j && (points[i] as number) < 100 && (points[j] as number) > 20) {
        points[i] = (points[i] as number) + 20;
        points[j] = (points[j] as number) - 20;
      }
    }
    return Object.fromEntries(items.map((name, i) => [name, LEVEL_OF[points[i] as number] as SurveyAnswer]));
  };
  const two = (n: number): string => String(n).padStart(2, '0');
  /** A moment of the half year's collection (mid-July to mid-December), by day and second of day. */
  const moment = (day: number, second: number): string => {
    const d = new Date(Date.UTC(year, 6, 10 + day));
    return `${d.toISOString().slice(0, 10)}T${two(Math.floor(second / 3600))}:${two(Math.floor((second % 3600) / 60))}:${two(second % 60)}`;
  };
  const phoneAnswer = (project: string, household: string, value: number): DemoOnlineAnswer => ({
    project,
    household,
    answers: levelsFor(value),
    comment: int(0, 5) === 0 ? pick(value >= 80 ? PRAISE : COMPLAINTS) : null,
    at: moment(int(0, 150), int(7 * 3600, 22 * 3600)),
    seconds: int(35, 240),
    address: `111.26.${int(0, 255)}.${int(1, 254)}`,
    agent: pick(PHONES),
  });

  const answers: DemoOnlineAnswer[] = [];
  for (const code of honest) {
    const list = byProject.get(code) ?? [];
    list.forEach((h, i) => {
      const final = phoneAnswer(code, h.household, h.value);
      // Two households of each project change their minds: an earlier answer, replaced.
      if (i < 2) answers.push({ ...phoneAnswer(code, h.household, Math.max(20, h.value - 20)), at: moment(-1, 20 * 3600 + i * 60) });
      answers.push(final);
    });
  }
  if (stuffed) {
    let second = 21 * 3600 + 3 * 60; // 21:03 one evening in November
    for (const h of byProject.get(stuffed) ?? []) {
      if (h.value !== 100) {
        answers.push(phoneAnswer(stuffed, h.household, h.value));
        continue;
      }
      second += int(6, 14);
      const comment = int(0, 4) === 0 ? '物业服务非常好，管家很负责！' : null;
      answers.push({ project: stuffed, household: h.household, answers: levelsFor(100), comment, at: moment(130, second), seconds: int(3, 6), ...OFFICE });
    }
  }
  answers.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { round, projects: [...honest, ...(stuffed ? [stuffed] : [])].sort(), stuffed, answers };
}
