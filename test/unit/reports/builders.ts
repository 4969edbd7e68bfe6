/** Fixture builders for report tests: each call makes fresh values, override what the test is about. */
import { type FirmResult, type ListKind } from '../../../src/domain/types';
import { type ReportData, type ReportProject } from '../../../src/reports/report-data';
import { exact } from '../../../src/domain/exact';

export function aFirmResult(overrides: Partial<FirmResult> = {}): FirmResult {
  return {
    uscc: '91220200MA0000001X',
    name: '磐石市安居物业服务有限公司',
    rank: 1,
    composite: 8540,
    compositeExact: '427/5',
    scores: { resident: 8612, regulator: 8400, street: 8500 },
    households: 1200,
    complaints: 6,
    complaintsPer1000: exact(6, 1200).mul(1000),
    responses: 320,
    requiredResponses: 278,
    grade: 'AAA',
    list: null,
    flags: [],
    reasons: ['综合得分 85.40，未列入榜单'],
    explanation: { inputs: [], rules: [] },
    ...overrides,
  };
}

export function aProject(overrides: Partial<ReportProject> = {}): ReportProject {
  return {
    code: 'P001',
    name: '东山花园',
    street: '东宁街道',
    community: '东山社区',
    firmUscc: '91220200MA0000001X',
    firmName: '磐石市安居物业服务有限公司',
    households: 600,
    resident: 8600,
    residentResponses: 160,
    streetScore: 8500,
    complaints: 3,
    ...overrides,
  };
}

/** USCC-shaped identifiers for the i-th firm of a fixture (shape only; reports do not check them). */
export function usccOf(i: number): string {
  return `9122020${String(i).padStart(10, '0')}X`;
}

/** A small round: `lists[i]` is the list of the firm ranked i + 1, composites falling from 95.00. */
export function aReportData(lists: (ListKind | null)[] = ['red', null, null, 'watch', 'black'], overrides: Partial<ReportData> = {}): ReportData {
  const firms = lists.map((list, i) =>
    aFirmResult({
      uscc: usccOf(i + 1),
      name: `第${i + 1}物业服务有限公司`,
      rank: i + 1,
      composite: 9500 - i * 850,
      scores: { resident: 9600 - i * 800, regulator: 9400 - i * 900, street: 9300 - i * 850 },
      list,
      reasons: [list === 'red' ? '综合得分位列前10%且不低于85分' : list === 'black' ? '综合得分位列倒数10%且低于60分' : '未列入榜单'],
    }),
  );
  const projects = firms.flatMap((firm, i) => [
    aProject({ code: `P${i + 1}-1`, name: `第${i + 1}小区`, street: i % 2 === 0 ? '东宁街道' : '河南街道', firmUscc: firm.uscc, firmName: firm.name, households: 400 + i * 10, resident: firm.scores.resident }),
    aProject({ code: `P${i + 1}-2`, name: `第${i + 1}花园`, street: '东宁街道', firmUscc: firm.uscc, firmName: firm.name, households: 200, resident: null, residentResponses: 0, streetScore: firm.scores.street }),
  ]);
  return {
    round: {
      code: '2025-H1',
      kind: 'half',
      status: 'published',
      publishedAt: '2025-07-20T02:00:00.000Z',
      rulesJson: '{"black":{"belowComposite":60},"red":{"minComposite":85},"weights":{"regulator":3,"resident":5,"street":2}}',
      rulesHash: 'a'.repeat(64),
      method: ['居民群众、行管部门、街道社区评分按 5:3:2 加权。', '前10%且不低于85分列入红榜。'],
    },
    result: { roundCode: '2025-H1', kind: 'half', rulesHash: 'a'.repeat(64), firms, ranked: firms.length, sliceSize: Math.floor(firms.length / 10), blackSliceSize: Math.floor(firms.length / 10) },
    projects,
    regulator: firms.map((firm) => ({ firmUscc: firm.uscc, detail: '执法局 84.00；市场监管局 86.00（平均）' })),
    completeness: {
      byStreet: [
        { street: '东宁街道', projects: 8, withStreetScore: 8, withResident: 3 },
        { street: '河南街道', projects: 2, withStreetScore: 2, withResident: 2 },
      ],
      firmsWithoutRegulator: 0,
      insufficientSample: [{ uscc: firms[0]?.uscc ?? '', name: firms[0]?.name ?? '', responses: 120, required: 278 }],
    },
    previous: {
      code: '2024-H2',
      firms: [
        { uscc: usccOf(1), rank: 3, composite: 8800, list: null },
        { uscc: usccOf(99), name: '已退出物业公司', rank: 2, composite: 9000, list: 'red' },
      ],
    },
    halves: [],
    certificates: firms.filter((f) => f.list === 'red').map((f, i) => ({ uscc: f.uscc, number: `HHB-2025-H1-${String(i + 1).padStart(3, '0')}` })),
    rectifications: firms.filter((f) => f.list === 'black').map((f) => ({ uscc: f.uscc, deadline: '2025-08-19', reinspectBy: '2025-09-03', result: null })),
    history: {},
    generatedAt: '2025-07-20T08:00:00.000Z',
    ...overrides,
  };
}
