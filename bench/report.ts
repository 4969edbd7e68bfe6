/**
 * Report bench: `npx tsx bench/report.ts [firms=20000] [projectsPerFirm=5] [chartRenders=10] [--pictures-only] [--out <dir>]`.
 * `--pictures-only` skips the workbook; `--out <dir>` also writes the four charts, a score card and
 * a certificate there, to look at them.
 *
 * Builds a synthetic but realistic round (20,000 firms, 100,000 projects over 400 streets, lists by
 * the default rules' shape), then in the same run:
 *  - times writeRoundWorkbook against a bare exceljs streaming write of the same sheets and row
 *    counts (no styles, no frozen panes, no filters), twice each, alternating, and prints the ratio;
 *  - prints the peak RSS of the process;
 *  - times the round charts (wall and CPU time), a score card and a certificate over N renders each,
 *    and prints the load average: on a shared machine the wall time also counts the other processes.
 * Targets: workbook ≤ 1.5 × bare, peak RSS < 400 MB, ≤ 25 ms a chart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { exact } from '../src/domain/exact';
import { type FirmResult, type ListKind } from '../src/domain/types';
import { distributionChart, rankingChart, renderCertificate, renderRoundCharts, renderScoreCard, sourcesChart, streetsChart } from '../src/reports/charts';
import { type ReportData, type ReportProject } from '../src/reports/report-data';
import { writeRoundWorkbook } from '../src/reports/workbook';
import { seeded } from '../test/support/seeded';

const outAt = process.argv.indexOf('--out');
const OUT = outAt > 0 ? process.argv[outAt + 1] : undefined;
const PICTURES_ONLY = process.argv.includes('--pictures-only');
const positional = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--out');
const FIRMS = Number(positional[0] ?? 20000);
const PROJECTS_PER_FIRM = Number(positional[1] ?? 5);
const CHART_RENDERS = Number(positional[2] ?? 10);
const STREETS = 400;

const random = seeded(20250701);
const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const SURNAMES = ['安居', '恒泰', '华润', '万和', '金盾', '绿城', '嘉禾', '中海', '龙湖', '鑫源', '瑞祥', '宏达', '世纪', '锦绣', '和谐'];
const PLACES = ['磐石', '吉林', '长春', '松原', '四平', '通化', '延边', '白山', '辽源', '梅河口'];
const ESTATES = ['花园', '小区', '家园', '新城', '雅苑', '公寓', '名都', '嘉园'];
const STREET_NAMES = Array.from({ length: STREETS }, (_, i) => `${PLACES[i % PLACES.length]}第${i + 1}街道`);

function uscc(i: number): string {
  return `91220${String(i).padStart(12, '0')}X`;
}

function buildData(): ReportData {
  const raw = Array.from({ length: FIRMS }, (_, i) => {
    const resident = between(4500, 9900);
    const regulator = between(4000, 10000);
    const street = between(5000, 9800);
    // 5:3:2, half-up to hundredths
    const composite = Math.floor((resident * 5 + regulator * 3 + street * 2 + 5) / 10);
    return { i, resident, regulator, street, composite };
  });
  raw.sort((a, b) => b.composite - a.composite || a.i - b.i);
  const slice = Math.floor(FIRMS / 10);
  const firms: FirmResult[] = raw.map((r, position) => {
    const households = between(300, 6000);
    const complaints = between(0, Math.floor(households / 30));
    let list: ListKind | null = null;
    const reasons: string[] = [];
    if (position < slice && r.composite >= 8500) {
      list = 'red';
      reasons.push(`综合得分 ${(r.composite / 100).toFixed(2)}，位列前10%且不低于85分`);
    } else if (position >= FIRMS - slice && r.composite < 6000) {
      list = 'black';
      reasons.push(`综合得分 ${(r.composite / 100).toFixed(2)}，位列倒数10%且低于60分`);
    } else if (position >= FIRMS - slice || (complaints * 1000) / households > 20) {
      list = 'watch';
      reasons.push('位列倒数10%或投诉率超过阈值，列入重点监管');
    } else {
      reasons.push(`综合得分 ${(r.composite / 100).toFixed(2)}，未列入榜单`);
    }
    return {
      uscc: uscc(r.i),
      name: `${PLACES[r.i % PLACES.length]}市${SURNAMES[r.i % SURNAMES.length]}物业服务有限公司第${r.i}分公司`,
      rank: position + 1,
      composite: r.composite,
      compositeExact: `${r.composite}/100`,
      scores: { resident: r.resident, regulator: r.regulator, street: r.street },
      households,
      complaints,
      complaintsPer1000: exact(complaints * 1000, households),
      responses: between(100, 600),
      requiredResponses: 278,
      grade: r.composite >= 8500 ? 'AAA' : r.composite >= 8000 ? 'AA' : r.composite >= 7000 ? 'A' : r.composite >= 6000 ? 'B' : 'C',
      list,
      flags: list === 'watch' ? ['high_complaints'] : [],
      reasons,
      explanation: { inputs: [], rules: [] },
    };
  });
  const projects: ReportProject[] = [];
  for (const firm of firms) {
    for (let p = 0; p < PROJECTS_PER_FIRM; p++) {
      const street = STREET_NAMES[between(0, STREETS - 1)] ?? '';
      projects.push({
        code: `P${firm.uscc.slice(5, 17)}${p}`,
        name: `${SURNAMES[between(0, SURNAMES.length - 1)]}${ESTATES[p % ESTATES.length]}${p + 1}期`,
        street,
        community: `${street.slice(0, 2)}第${p + 1}社区`,
        firmUscc: firm.uscc,
        firmName: firm.name,
        households: between(60, 1500),
        resident: random() < 0.95 ? between(4500, 9900) : null,
        residentResponses: between(20, 200),
        streetScore: random() < 0.97 ? between(5000, 9800) : null,
        complaints: between(0, 30),
      });
    }
  }
  const previous = firms.map((firm) => ({ uscc: firm.uscc, rank: between(1, FIRMS), composite: between(4500, 9700), list: null }));
  return {
    round: {
      code: '2025-H1',
      kind: 'half',
      status: 'published',
      publishedAt: '2025-07-20T02:00:00.000Z',
      rulesJson: JSON.stringify({ weights: { resident: 5, regulator: 3, street: 2 }, red: { share: 10, minComposite: 85 }, black: { share: 10, belowComposite: 60 } }),
      rulesHash: '0'.repeat(64),
      method: ['居民群众、行管部门、街道社区评分按 5:3:2 加权。', '前10%且不低于85分列入红榜；后10%且低于60分列入黑榜。'],
    },
    result: { roundCode: '2025-H1', kind: 'half', rulesHash: '0'.repeat(64), firms, ranked: FIRMS, sliceSize: slice, blackSliceSize: slice },
    projects,
    regulator: firms.map((firm) => ({ firmUscc: firm.uscc, detail: `执法局 ${(firm.scores.regulator! / 100).toFixed(2)}；住建局 ${(firm.scores.regulator! / 100).toFixed(2)}` })),
    completeness: {
      byStreet: STREET_NAMES.map((street) => ({ street, projects: 250, withStreetScore: 243, withResident: 238 })),
      firmsWithoutRegulator: 0,
      insufficientSample: firms.slice(0, 800).map((firm) => ({ uscc: firm.uscc, name: firm.name, responses: 120, required: 278 })),
    },
    previous: { code: '2024-H2', firms: previous },
    halves: [],
    certificates: firms.filter((f) => f.list === 'red').map((f, i) => ({ uscc: f.uscc, number: `HHB-2025-H1-${String(i + 1).padStart(5, '0')}` })),
    rectifications: firms.filter((f) => f.list === 'black').map((f) => ({ uscc: f.uscc, deadline: '2025-08-19', reinspectBy: '2025-09-03', result: null })),
    history: {},
    generatedAt: '2025-07-20T08:00:00.000Z',
  };
}

/** Discards what it is given and counts the bytes: times the writer, not the disk. */
function countingSink(): { sink: Writable; bytes: () => number } {
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      done();
    },
  });
  return { sink, bytes: () => total };
}

/** The same sheets and row counts as writeRoundWorkbook, values only: no styles, panes, filters or print setup. */
async function bareWrite(data: ReportData, out: Writable): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = (name: string, rows: Iterable<(string | number | null)[]>): void => {
    const ws = book.addWorksheet(name);
    for (const values of rows) ws.addRow(values).commit();
    ws.commit();
  };
  const s = (h: number | null): number | null => (h === null ? null : h / 100);
  const { firms } = data.result;
  sheet('说明', [['项目', '内容'], ...data.round.method.map((m) => ['评价方法', m]), ['规则', data.round.rulesJson], ...Array.from({ length: 10 }, () => ['x', 'y'])]);
  sheet('综合排名', [['h'], ...firms.map((f) => [f.rank, f.uscc, f.name, s(f.composite), s(f.scores.resident), s(f.scores.regulator), s(f.scores.street), f.grade, f.list, '', f.reasons.join('；')])]);
  for (const list of ['red', 'black', 'watch'] as const) {
    sheet(list, [['h'], ...firms.filter((f) => f.list === list).map((f, i) => [i + 1, f.rank, f.uscc, f.name, s(f.composite), s(f.scores.resident), s(f.scores.regulator), s(f.scores.street), f.households, f.complaints, '', f.reasons.join('；')])]);
  }
  const byUscc = new Map(firms.map((f) => [f.uscc, f]));
  sheet('分项得分', [['h'], ...data.projects.map((p) => {
    const f = byUscc.get(p.firmUscc);
    return [p.code, p.name, p.street, p.community, p.firmUscc, p.firmName, p.households, s(p.resident), p.residentResponses, s(p.streetScore), p.complaints, s(f?.scores.resident ?? null), s(f?.scores.regulator ?? null), s(f?.scores.street ?? null), '执法局 84.00；住建局 84.00'];
  })]);
  sheet('街道汇总', [['h'], ...data.completeness.byStreet.map((b) => [b.street, 250, 100000, 50, 80, 80, 1, 1, 1])]);
  sheet('数据完整性', [['h'], ...data.completeness.byStreet.map((b) => [b.street, b.projects, b.withStreetScore, 0.97, b.withResident, 0.95]), ...data.completeness.insufficientSample.map((i) => [i.uscc, i.name, i.responses, i.required, 158])]);
  const before = new Map((data.previous?.firms ?? []).map((p) => [p.uscc, p]));
  sheet('与上期对比', [['h'], ...firms.map((f) => {
    const p = before.get(f.uscc);
    return [f.uscc, f.name, f.rank, p?.rank ?? null, null, s(f.composite), s(p?.composite ?? null), null, f.list, p?.list ?? null];
  })]);
  await book.commit();
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  if (OUT) mkdirSync(OUT, { recursive: true });
  let start = performance.now();
  const data = buildData();
  console.log(`数据：${FIRMS} 家企业，${data.projects.length} 个项目，${STREETS} 个街道（构造 ${(performance.now() - start).toFixed(0)} ms，RSS ${mb(process.memoryUsage().rss)}）`);

  const ours: number[] = [];
  const bare: number[] = [];
  let size = 0;
  let bareSize = 0;
  for (let round = 0; round < (PICTURES_ONLY ? 0 : 2); round++) {
    const b = countingSink();
    bare.push(await timed(() => bareWrite(data, b.sink)));
    bareSize = b.bytes();
    const o = countingSink();
    ours.push(await timed(() => writeRoundWorkbook(data, o.sink)));
    size = o.bytes();
  }
  const best = (xs: number[]): number => Math.min(...xs);
  if (!PICTURES_ONLY) {
    console.log(`工作簿 writeRoundWorkbook：${ours.map((t) => t.toFixed(0)).join(' / ')} ms（${mb(size)}）`);
    console.log(`裸写 exceljs 流式（无样式）：${bare.map((t) => t.toFixed(0)).join(' / ')} ms（${mb(bareSize)}）`);
    console.log(`比值（最优一次）：${(best(ours) / best(bare)).toFixed(2)}×（目标 ≤ 1.5×）`);
    console.log(`峰值 RSS（到此为止）：${mb(process.resourceUsage().maxRSS * 1024)}（目标 < 400 MB）`);
  }

  // warm-up: font registration, Chart.js setup
  for (const chart of await renderRoundCharts(data)) if (OUT) writeFileSync(join(OUT, chart.name), chart.png);
  const charts: [string, () => Promise<Buffer>][] = [
    ['ranking.png', () => rankingChart(data)],
    ['distribution.png', () => distributionChart(data)],
    ['sources.png', () => sourcesChart(data)],
    ['streets.png', () => streetsChart(data)],
  ];
  let chartsTotal = 0;
  for (const [name, render] of charts) {
    start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < CHART_RENDERS; i++) await render();
    const each = (performance.now() - start) / CHART_RENDERS;
    const used = process.cpuUsage(cpu);
    chartsTotal += each;
    // CPU time beside wall time: on a shared machine the wall time also counts the other processes.
    console.log(`  ${name}：${each.toFixed(1)} ms/张（CPU ${((used.user + used.system) / 1000 / CHART_RENDERS).toFixed(1)} ms）`);
  }
  console.log(`图表：${CHART_RENDERS} 次 × 4 张，平均 ${(chartsTotal / charts.length).toFixed(1)} ms/张（目标 ≤ 25 ms；含 20,000 家企业的汇总与 PNG 编码）`);

  const firm = data.result.firms[0];
  if (firm) {
    const history = [
      { roundCode: '2023-H2', rank: 40, composite: 8400, list: null },
      { roundCode: '2024-H1', rank: 12, composite: 8820, list: 'red' as const },
      { roundCode: '2024-H2', rank: 3, composite: 9010, list: 'red' as const },
    ];
    const card = await renderScoreCard(firm, history, { roundCode: '2025-H1', rankedFirms: FIRMS });
    if (OUT) writeFileSync(join(OUT, 'score-card.png'), card);
    start = performance.now();
    for (let i = 0; i < CHART_RENDERS; i++) await renderScoreCard(firm, history, { roundCode: '2025-H1', rankedFirms: FIRMS });
    console.log(`评分卡：平均 ${((performance.now() - start) / CHART_RENDERS).toFixed(1)} ms/张（1000 像素宽，含走势图）`);
    const certificate = await renderCertificate({ firmName: firm.name, uscc: firm.uscc, roundCode: '2025-H1', number: 'HHB-2025-H1-00001', issuedOn: '2025-07-20', issuer: '磐石市住房和城乡建设局' });
    if (OUT) writeFileSync(join(OUT, 'certificate.pdf'), certificate);
    start = performance.now();
    for (let i = 0; i < CHART_RENDERS; i++) {
      await renderCertificate({ firmName: firm.name, uscc: firm.uscc, roundCode: '2025-H1', number: `HHB-2025-H1-${i}`, issuedOn: '2025-07-20', issuer: '磐石市住房和城乡建设局' });
    }
    console.log(`荣誉证书：平均 ${((performance.now() - start) / CHART_RENDERS).toFixed(1)} ms/份（A4 PDF）`);
  }
  console.log(`负载：${loadavg().map((l) => l.toFixed(2)).join(' ')}（${availableParallelism()} 核）`);
  console.log(`峰值 RSS（全程）：${mb(process.resourceUsage().maxRSS * 1024)}`);
}

void main();
