import { DomainError } from '../../../src/domain/errors';
import { canonicalRulesJson, defaultRules, parseRules, rulesHash } from '../../../src/rules';

function rulesError(doc: unknown): DomainError {
  try {
    parseRules(doc);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('parseRules accepted an invalid document');
}

describe('the rules document', () => {
  it('gives every default of SPEC §5 for an empty document', () => {
    const r = defaultRules();
    expect(r.weights).toEqual({ resident: 5, regulator: 3, street: 2 });
    expect(r.rounding).toBe('floor');
    expect(r.red).toEqual({ share: 10, minComposite: 85, refill: false });
    expect(r.black).toEqual({ share: 10, belowComposite: 60, vetoForcesBlack: true });
    expect(r.watch).toEqual({ enabled: true, complaintsPer1000Above: 20 });
    expect(r.tieAtCutoff).toBe('exclude');
    expect(r.tieBreak).toEqual(['resident', 'regulator', 'street', 'complaints']);
    expect(r.missingSource).toBe('block');
    expect(r.survey.z).toBe(1.96);
    expect(r.survey.bands).toEqual([
      { belowHouseholds: 2500, margin: 0.05 },
      { belowHouseholds: 10000, margin: 0.04 },
      { belowHouseholds: null, margin: 0.03 },
    ]);
    expect(r.consequences).toEqual({ deadlineDays: 30, reinspectDays: 15, consecutiveBlack: 2, exitComplaintsPer1000: 20 });
    expect(r.annual).toEqual({ h1: 1, h2: 1 });
    expect(r.grades).toBeNull();
    expect(r.deductions.bonusCap).toBe(5);
    expect(r.deductions.catalogue.find((i) => i.code === 'NONE')).toEqual({ code: 'NONE', description: '检查无扣分', kind: 'deduction', points: 0 });
    expect(r.deductions.catalogue.filter((i) => /^D\d\d$/.test(i.code)).length).toBeGreaterThanOrEqual(10);
  });

  it('fills the defaults of a partly given section', () => {
    const r = parseRules({ weights: { street: 4 }, red: { refill: true } });
    expect(r.weights).toEqual({ resident: 5, regulator: 3, street: 4 });
    expect(r.red).toEqual({ share: 10, minComposite: 85, refill: true });
  });

  it('rejects an unknown key, naming it with its path', () => {
    const e = rulesError({ red: { share: 10, sahre: 5 } });
    expect(e.code).toBe('RULES_INVALID');
    expect(e.message).toBe('规则无效：red.sahre 是未知的键');
    expect(e.details).toMatchObject({ path: 'red.sahre' });
    expect(rulesError({ tie_at_cutoff: 'include' }).message).toContain('tie_at_cutoff 是未知的键');
  });

  it('rejects a weight that is not positive, naming the key', () => {
    expect(rulesError({ weights: { resident: 0 } }).message).toBe('规则无效：weights.resident 必须为正数');
    expect(rulesError({ weights: { regulator: -3 } }).message).toBe('规则无效：weights.regulator 必须为正数');
  });

  it.each([
    [{ rounding: 'up' }, 'rounding 必须是 floor、round、ceil 之一'],
    [{ tieAtCutoff: 'both' }, 'tieAtCutoff 必须是 exclude、include 之一'],
    [{ missingSource: 'skip' }, 'missingSource 必须是 block、renormalize、exclude 之一'],
    [{ red: { share: '10' } }, 'red.share 类型错误，应为数字'],
    [{ red: { minComposite: 101 } }, 'red.minComposite 不得大于 100'],
    [{ red: { minComposite: 85.001 } }, 'red.minComposite 最多 2 位小数'],
    [{ black: { vetoForcesBlack: 'yes' } }, 'black.vetoForcesBlack 类型错误，应为布尔值'],
    [{ consequences: { deadlineDays: 1.5 } }, 'consequences.deadlineDays 必须为整数'],
    [{ tieBreak: ['resident', 'resident'] }, 'tieBreak[1] 并列处理键 resident 重复'],
    [{ survey: { bands: [{ belowHouseholds: 100, margin: 0.05 }] } }, 'survey.bands[0].belowHouseholds 最后一档必须为 null'],
    [{ deductions: { bonusCap: -1 } }, 'deductions.bonusCap 不得小于 0'],
    [{ grades: { bands: [{ grade: 'A', min: 60 }] } }, 'grades.bands 必须有一个最低分为 0 的等级'],
    [{ grades: { bands: [{ grade: 'A', min: 0 }], redGrades: ['AAA'] } }, 'grades.redGrades[0] 等级 AAA 未在 bands 中定义'],
  ])('rejects %j with a message naming the key', (doc, expected) => {
    const e = rulesError(doc);
    expect(e.code).toBe('RULES_INVALID');
    expect(e.message).toContain(expected);
    expect(e.message.startsWith('规则无效：')).toBe(true);
  });

  it('rejects a document that is not an object', () => {
    expect(rulesError([1]).code).toBe('RULES_INVALID');
    expect(rulesError('{}').message).toContain('应为对象');
  });

  it('accepts Yantai grade bands with lists from grades', () => {
    const r = parseRules({
      grades: {
        bands: [
          { grade: 'AAA', min: 85 },
          { grade: 'AA', min: 80 },
          { grade: 'A', min: 70 },
          { grade: 'B', min: 60 },
          { grade: 'C', min: 0 },
        ],
        listsFrom: 'grades',
        redGrades: ['AAA'],
        blackGrades: ['C'],
      },
    });
    expect(r.grades?.watchGrades).toEqual([]);
    expect(r.grades?.listsFrom).toBe('grades');
  });
});

describe('canonical JSON and hash', () => {
  it('writes sorted keys without whitespace', () => {
    const json = canonicalRulesJson(defaultRules());
    expect(json).not.toMatch(/\s"|":\s|,\s/);
    expect(json.startsWith('{"annual":{"h1":1,"h2":1},"black":{"belowComposite":60,"share":10,"vetoForcesBlack":true},')).toBe(true);
    expect(JSON.parse(json)).toEqual(defaultRules());
  });

  it('gives equal rules equal hashes, whatever the key order or the defaults left out', () => {
    const a = parseRules({});
    const b = parseRules({ red: { refill: false, share: 10 }, weights: { street: 2, resident: 5, regulator: 3 }, rounding: 'floor' });
    expect(canonicalRulesJson(a)).toBe(canonicalRulesJson(b));
    expect(rulesHash(a)).toBe(rulesHash(b));
    expect(rulesHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different rules different hashes', () => {
    expect(rulesHash(parseRules({ red: { share: 10 } }))).not.toBe(rulesHash(parseRules({ red: { share: 15 } })));
    expect(rulesHash(parseRules({ tieBreak: ['resident', 'regulator', 'street', 'complaints'] }))).not.toBe(
      rulesHash(parseRules({ tieBreak: ['regulator', 'resident', 'street', 'complaints'] })),
    );
  });

  it('survives a JSON round trip: parse(canonical(r)) has the same hash', () => {
    const r = parseRules({ weights: { resident: 0.5, regulator: 0.3, street: 0.2 }, missingSource: 'renormalize' });
    expect(rulesHash(parseRules(JSON.parse(canonicalRulesJson(r))))).toBe(rulesHash(r));
  });
});
