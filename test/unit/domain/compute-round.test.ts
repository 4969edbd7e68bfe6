/** SPEC §5.3–5.8, 5.11, 5.12 through computeRound, with hand-computed cities. */
import { computeRound } from '../../../src/domain/compute-round';
import { DomainError } from '../../../src/domain/errors';
import { renderExplanation } from '../../../src/domain/explanation';
import { type FirmResult, type RoundResult } from '../../../src/domain/types';
import { type Rules } from '../../../src/domain/rules';
import { defaultRules, parseRules, rulesHash } from '../../../src/rules';
import { aCity, aFirm, aProject, aRound, anEvent } from './builders';

const rules = defaultRules();
const hash = rulesHash(rules);
const compute = (firms: Parameters<typeof aRound>[0], r: Rules = rules, force?: boolean): RoundResult =>
  computeRound(aRound(firms), r, { rulesHash: hash, ...(force === undefined ? {} : { force }) });
const listed = (result: RoundResult, list: FirmResult['list']) => result.firms.filter((f) => f.list === list).map((f) => f.uscc);
const firm = (result: RoundResult, uscc: string): FirmResult => {
  const f = result.firms.find((x) => x.uscc === uscc);
  if (f === undefined) throw new Error(`no ${uscc}`);
  return f;
};
const ruleCodes = (f: FirmResult) => f.explanation.rules.map((r) => r.code);

describe('slices and lists (SPEC §5.6, 5.7)', () => {
  it('leaves the 4th firm off the red list when 35 firms take part (slice 3)', () => {
    // composites 95, 94, … 61: all of the top 4 are above 85
    const result = compute(aCity(35));
    expect(result.ranked).toBe(35);
    expect(result.sliceSize).toBe(3);
    expect(listed(result, 'red')).toEqual(['C01', 'C02', 'C03']);
    expect(firm(result, 'C04').list).toBeNull();
  });

  it('takes 4 firms into the red slice when 40 firms take part', () => {
    const result = compute(aCity(40, 98, 1));
    expect(result.sliceSize).toBe(4);
    expect(listed(result, 'red')).toEqual(['C01', 'C02', 'C03', 'C04']);
  });

  it('shrinks the red list for a vetoed firm inside the slice, does not refill it, and black-lists the firm', () => {
    const city = aCity(35, 95, 1, { 2: { events: [anEvent({ type: '重大安全事故', veto: true, severity: 'serious' })] } });
    const result = compute(city);
    expect(listed(result, 'red')).toEqual(['C01', 'C03']);
    expect(firm(result, 'C04').list).toBeNull();
    const vetoed = firm(result, 'C02');
    expect(vetoed.list).toBe('black');
    expect(vetoed.rank).toBe(2);
    expect(vetoed.flags).toContain('veto');
    expect(vetoed.reasons[0]).toBe('位列前10%，但存在一票否决事件（重大安全事故），不列入红榜，列入黑榜');
    expect(ruleCodes(vetoed)).toEqual(expect.arrayContaining(['veto_forces_black', 'red_blocked']));
  });

  it('refills down the ranking when refill is on', () => {
    const city = aCity(35, 95, 1, { 2: { events: [anEvent({ veto: true })] } });
    const result = compute(city, parseRules({ red: { refill: true } }));
    expect(listed(result, 'red')).toEqual(['C01', 'C03', 'C04']);
    expect(firm(result, 'C04').reasons[0]).toContain('递补');
  });

  it('never refills below the red threshold', () => {
    // 86, 85, 84, …: C02 vetoed, C03 and below are under 85
    const city = aCity(35, 86, 1, { 2: { events: [anEvent({ veto: true })] } });
    const result = compute(city, parseRules({ red: { refill: true } }));
    expect(listed(result, 'red')).toEqual(['C01']);
  });

  it('does not black-list a bottom-slice firm at exactly 60.00, but does at 59.99', () => {
    const city = aCity(35, 95, 1, { 33: { score: 62 }, 34: { score: 60 }, 35: { score: 59.99 } });
    const result = compute(city);
    expect(firm(result, 'C34').composite).toBe(6000);
    expect(firm(result, 'C34').list).toBe('watch');
    expect(firm(result, 'C35').list).toBe('black');
    expect(firm(result, 'C35').reasons[0]).toBe('综合得分 59.99，位列倒数10%且低于60分，列入黑榜');
    expect(listed(result, 'black')).toEqual(['C35']);
    expect(listed(result, 'watch')).toEqual(['C33', 'C34']);
  });

  it('excludes a complete tie across the red cut-off by default, includes it with include', () => {
    // 20 firms → slice 2; C02 and C03 identical in every key
    const city = aCity(20, 95, 1, { 3: { score: 94 } });
    const byDefault = compute(city);
    expect(byDefault.sliceSize).toBe(2);
    expect(byDefault.firms.slice(0, 4).map((f) => f.rank)).toEqual([1, 2, 2, 4]);
    expect(listed(byDefault, 'red')).toEqual(['C01']);
    expect(firm(byDefault, 'C02').reasons[0]).toBe('综合得分 94.00，与其他企业完全并列于前10%的分界处，按并列处理规则不列入红榜');
    expect(ruleCodes(firm(byDefault, 'C03'))).toContain('red_tie_excluded');

    const included = compute(city, parseRules({ tieAtCutoff: 'include' }));
    expect(listed(included, 'red')).toEqual(['C01', 'C02', 'C03']);
  });

  it('applies the same tie rule at the black cut-off', () => {
    // 20 firms → slice 2; C18 and C19 tie at 55; C20 at 50
    const city = aCity(20, 95, 1, { 18: { score: 55 }, 19: { score: 55 }, 20: { score: 50 } });
    expect(listed(compute(city), 'black')).toEqual(['C20']);
    expect(listed(compute(city, parseRules({ tieAtCutoff: 'include' })), 'black')).toEqual(['C18', 'C19', 'C20']);
  });

  it('keeps a firm with insufficient_sample in the slice off the red list and says why', () => {
    // 1,000 households need 278 valid responses; C01 has 277
    const result = compute(aCity(35, 95, 1, { 1: { responses: 277 } }));
    const short = firm(result, 'C01');
    expect(short.flags).toContain('insufficient_sample');
    expect(short.requiredResponses).toBe(278);
    expect(short.responses).toBe(277);
    expect(short.rank).toBe(1);
    expect(short.list).toBeNull();
    expect(short.reasons[0]).toBe('综合得分 95.00，位列前10%，但居民调查样本量不足（有效问卷 277 份，至少需 278 份），不列入红榜');
    expect(listed(result, 'red')).toEqual(['C02', 'C03']);
    expect(firm(compute(aCity(35, 95, 1, { 1: { responses: 278 } })), 'C01').list).toBe('red');
  });

  it('keeps a slice firm below 85 or with an open rectification off the red list; 85.00 is red', () => {
    // 85.01, 85.00, 84.99, …
    const result = compute(aCity(35, 85.01, 0.01, { 1: { rectification: { open: true } } }));
    expect(firm(result, 'C02').composite).toBe(8500);
    expect(listed(result, 'red')).toEqual(['C02']);
    expect(firm(result, 'C01').reasons[0]).toContain('存在未完成的整改');
    expect(firm(result, 'C03').reasons[0]).toBe('综合得分 84.99，位列前10%，但低于85分，不列入红榜');
  });

  it('black-lists a bottom-slice firm with a failed rectification or a serious violation even at 60 or above', () => {
    const city = aCity(35, 95, 1, {
      33: { rectification: { unrectified: true } },
      34: { events: [anEvent({ type: '违规收费', severity: 'serious' })] },
    });
    const result = compute(city);
    expect(listed(result, 'black')).toEqual(['C33', 'C34']);
    expect(firm(result, 'C33').reasons[0]).toBe('综合得分 63.00，位列倒数10%且整改未通过或逾期，列入黑榜');
    expect(firm(result, 'C34').reasons[0]).toBe('综合得分 62.00，位列倒数10%且存在严重违规（违规收费），列入黑榜');
    expect(firm(result, 'C35').list).toBe('watch');
  });

  it('does not black-list a firm below 60 outside the bottom slice', () => {
    // 75, 74, … 41: C16 (59) to C32 are below 60 but above the bottom slice
    const result = compute(aCity(35, 75, 1));
    expect(firm(result, 'C20').composite).toBe(5600);
    expect(firm(result, 'C20').list).toBeNull();
    expect(listed(result, 'black')).toEqual(['C33', 'C34', 'C35']);
  });

  it('black-lists a vetoed firm wherever it ranks, and not when vetoForcesBlack is off', () => {
    const city = aCity(35, 95, 1, { 17: { events: [anEvent({ type: '挪用专项维修资金', veto: true })] } });
    const result = compute(city);
    expect(firm(result, 'C17').list).toBe('black');
    expect(firm(result, 'C17').reasons[0]).toBe('存在一票否决事件（挪用专项维修资金），不论排名，列入黑榜');
    expect(firm(compute(city, parseRules({ black: { vetoForcesBlack: false } })), 'C17').list).toBeNull();
  });
});

describe('ranking (SPEC §5.4)', () => {
  it('breaks a tie on the published composite by the resident score, then regulator, street, complaints', () => {
    const a = aFirm({ uscc: 'A', resident: 90, regulator: 80, street: 80 }); // (450 + 240 + 160)/10 = 85.00
    const b = aFirm({ uscc: 'B', resident: 88, regulator: 90, street: 70 }); // (440 + 270 + 140)/10 = 85.00
    const c = aFirm({ uscc: 'C', resident: 88, regulator: 90, street: 70, complaints: 5 });
    const d = aFirm({ uscc: 'D', resident: 88, regulator: 90, street: 70, complaints: 5 });
    const result = compute([d, c, b, a]);
    expect(result.firms.map((f) => [f.uscc, f.composite, f.rank])).toEqual([
      ['A', 8500, 1],
      ['B', 8500, 2],
      ['C', 8500, 3],
      ['D', 8500, 3],
    ]);
  });

  it('ranks on the published 2-decimal composite, not the exact one', () => {
    // 85.004 and 85.001 both publish as 85.00: the resident score decides
    const x = aFirm({ uscc: 'X', resident: 85.0, regulator: 85.0, street: 85.02 }); // 85.004
    const y = aFirm({ uscc: 'Y', resident: 85.01, regulator: 84.99, street: 85 }); // (425.05 + 254.97 + 170)/10 = 85.002
    const result = compute([x, y]);
    expect(result.firms.map((f) => f.composite)).toEqual([8500, 8500]);
    expect(result.firms.map((f) => f.uscc)).toEqual(['Y', 'X']);
  });

  it('uses the tie-break order of the rules', () => {
    const a = aFirm({ uscc: 'A', resident: 90, regulator: 80, street: 80 });
    const b = aFirm({ uscc: 'B', resident: 88, regulator: 90, street: 70 });
    const result = compute([a, b], parseRules({ tieBreak: ['regulator', 'resident'] }));
    expect(result.firms.map((f) => f.uscc)).toEqual(['B', 'A']);
  });
});

describe('missing sources (SPEC §5.3)', () => {
  const city = () => [...aCity(9), aFirm({ uscc: 'NOREG', name: '缺行管物业', resident: 90, regulator: null, street: 80 })];

  it('refuses to compute under block, listing the firms and sources', () => {
    let error: unknown = null;
    try {
      compute(city());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('MISSING_SOURCES');
    expect((error as DomainError).message).toContain('缺行管物业（NOREG）缺少行管部门评分');
    expect((error as DomainError).details).toEqual([{ uscc: 'NOREG', name: '缺行管物业', sources: ['regulator'] }]);
  });

  it('computes when forced: renormalized and flagged forced, (5×90 + 2×80)/7 = 87.14', () => {
    const f = firm(compute(city(), rules, true), 'NOREG');
    expect(f.composite).toBe(8714);
    expect(f.compositeExact).toBe('610/7');
    expect(f.flags).toEqual(expect.arrayContaining(['forced', 'renormalized']));
    expect(f.scores.regulator).toBeNull();
  });

  it('renormalizes under renormalize without the forced flag', () => {
    const f = firm(compute(city(), parseRules({ missingSource: 'renormalize' })), 'NOREG');
    expect(f.composite).toBe(8714);
    expect(f.flags).toContain('renormalized');
    expect(f.flags).not.toContain('forced');
  });

  it('leaves the firm unranked under exclude', () => {
    const result = compute(city(), parseRules({ missingSource: 'exclude' }));
    const f = firm(result, 'NOREG');
    expect(f.rank).toBeNull();
    expect(f.composite).toBeNull();
    expect(f.flags).toContain('excluded');
    expect(result.ranked).toBe(9);
    expect(result.firms[result.firms.length - 1]?.uscc).toBe('NOREG');
  });

  it('flags a firm whose projects only partly have a source, without blocking', () => {
    const partial = aFirm({
      uscc: 'PART',
      projects: [aProject({ households: 500, resident: 90, streetScore: null }), aProject({ households: 500, resident: 80, streetScore: 70 })],
    });
    const f = firm(compute([partial]), 'PART');
    expect(f.flags).toContain('incomplete_street');
    expect(f.scores).toEqual({ resident: 8500, regulator: 8000, street: 7000 });
  });

  it('leaves a disqualified firm out of the round entirely', () => {
    const result = compute([...aCity(10), aFirm({ uscc: 'GONE', status: 'disqualified', regulator: null })]);
    expect(result.firms.map((f) => f.uscc)).not.toContain('GONE');
    expect(result.ranked).toBe(10);
  });
});

describe('key supervision (SPEC §5.8)', () => {
  it('watches a firm above 20 complaints per 1,000 households, not one at 20', () => {
    const result = compute(aCity(10, 95, 1, { 5: { complaints: 21 }, 6: { complaints: 20 } }));
    expect(firm(result, 'C05').list).toBe('watch');
    expect(firm(result, 'C05').flags).toContain('high_complaints');
    expect(firm(result, 'C05').reasons[0]).toBe('每千户投诉 21.00 件，超过20件，列入重点监管');
    expect(firm(result, 'C06').list).toBeNull();
  });

  it('has no watch tier when it is turned off', () => {
    const result = compute(aCity(35), parseRules({ watch: { enabled: false } }));
    expect(listed(result, 'watch')).toEqual([]);
  });
});

describe('grades (SPEC §5.11)', () => {
  const yantai = {
    bands: [
      { grade: 'AAA', min: 85 },
      { grade: 'AA', min: 80 },
      { grade: 'A', min: 70 },
      { grade: 'B', min: 60 },
      { grade: 'C', min: 0 },
    ],
  };

  it('grades every ranked firm by its published composite', () => {
    const result = compute(aCity(5, 90, 7.5), parseRules({ grades: yantai })); // 90, 82.5, 75, 67.5, 60
    expect(result.firms.map((f) => f.grade)).toEqual(['AAA', 'AA', 'A', 'B', 'B']);
  });

  it('derives the lists from the grades without a share cap', () => {
    const r = parseRules({ grades: { ...yantai, listsFrom: 'grades', redGrades: ['AAA'], blackGrades: ['C'], watchGrades: ['B'] } });
    // 90, 88, 86, 84, … 62, 60, 58, 56
    const result = compute(aCity(18, 90, 2, { 2: { responses: 10 } }), r);
    expect(listed(result, 'red')).toEqual(['C01', 'C03']);
    expect(listed(result, 'black')).toEqual(['C17', 'C18']);
    expect(listed(result, 'watch')).toEqual(['C12', 'C13', 'C14', 'C15', 'C16']);
    expect(firm(result, 'C01').reasons[0]).toBe('综合得分 90.00，评定为 AAA 级，列入红榜');
  });
});

describe('explanation (SPEC §5.12)', () => {
  it('lists every input and the rules that fired', () => {
    const f = aFirm({
      uscc: 'E1',
      projects: [
        aProject({ code: 'P1', name: '东湖小区', households: 300, resident: 90, streetScore: 80, complaints: 3 }),
        aProject({ code: 'P2', name: '西湖小区', households: 700, resident: 80, streetScore: 90 }),
      ],
      regulatorInput: { form: 'deductions', rows: [{ item: 'D01', projectCode: 'P1', points: 200 }] },
      events: [anEvent({ type: '消防通道堵塞', severity: 'minor' })],
    });
    const result = firm(compute([f]), 'E1');
    const subjects = renderExplanation(result.explanation).inputs.map((i) => `${i.source}|${i.subject}|${i.value}`);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'resident|P1 东湖小区（300 户）|调查机构汇总：300 份有效样本，平均分 90.00',
        'street|P2 西湖小区（东宁街道，700 户）|90.00',
        expect.stringMatching(/^regulator\|D01 .*（项目 P1）\|扣 2\.00 分$/),
        'complaints|P1 东湖小区|投诉 3 件',
        expect.stringMatching(/^event\|2025-03-01 消防通道堵塞\|一般/),
      ]),
    );
    expect(result.explanation.rules.map((r) => `${r.rule} ${r.code}`)).toEqual(
      expect.arrayContaining(['5.1 household_weighted_mean', '5.2 composite_weighted', '5.4 half_up', '5.4 ranked', '5.5 sample_sufficient']),
    );
    // resident 83, regulator 98, street 87: (415 + 294 + 174)/10 = 88.3
    expect(result.composite).toBe(8830);
    expect(result.compositeExact).toBe('883/10');
  });

  it('gives an unlisted firm its rank as the reason', () => {
    const result = compute(aCity(35));
    expect(firm(result, 'C12').reasons).toEqual(['综合得分 84.00，排名第 12 名（共 35 家），未列入红榜、黑榜或重点监管']);
  });

  it('rejects bad input naming the firm, project and field', () => {
    const bad = aFirm({ uscc: 'BAD', projects: [aProject({ code: 'P9', households: 0 })] });
    expect(() => compute([bad])).toThrow('企业 BAD 的项目 P9 的户数 0 无效：须为正整数');
  });
});
