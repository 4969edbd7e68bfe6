/**
 * A generated province for the engine, the same for a given seed: firms with several projects, both
 * resident forms (responses, summaries with long decimals), departments or deduction sheets with
 * bonuses and duplicates, missing sources, complaints, events of every severity, rectifications,
 * excluded online answers and ties — so that every wording of an explanation occurs.
 */
import type { AnnualRoundInput, EventInput, FirmInput, HalfResultInput, ProjectInput, RegulatorInput, RoundInput } from '../../../src/domain/types';
import { fromHundredths } from '../../../src/domain/exact';
import { seeded } from '../../support/seeded';

const DEPARTMENTS = ['市城管执法局', '市消防救援支队', '市市场监管局', '区住建局'];
const EVENT_TYPES = ['消防通道堵塞', '电梯困人', '违规收费', '安全生产事故'];
const ITEMS = ['D01', 'D02', 'D03', 'D04', 'B01', 'B02'];

/**
 * With `ties`, a ninth of the firms share 100.00 in every source and another ninth 30.00: complete
 * ties across the red and the black cut-offs.
 */
export function generatedProvince(seed: number, firms: number, { ties = false }: { ties?: boolean } = {}): RoundInput {
  const random = seeded(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  let projectSeq = 0;
  const result: FirmInput[] = [];
  for (let i = 0; i < firms; i++) {
    const projects: ProjectInput[] = [];
    // Firms sharing one score everywhere: ranks tie.
    const tiedAt = ties && i % 9 === 0 ? 10000 : ties && i % 9 === 1 ? 3000 : i % 37 === 0 ? 7000 : null;
    const tied = tiedAt !== null;
    for (let p = 0, n = int(1, 5); p < n; p++) {
      projectSeq += 1;
      const households = int(80, 2000);
      const form = random();
      const count = int(0, Math.ceil(households / 3));
      const resident: ProjectInput['resident'] =
        tied
          ? { form: 'summary', count: households, mean: tiedAt }
          : form < 0.08
            ? null
            : form < 0.55
              ? { form: 'responses', count, sum: BigInt(count) * BigInt(int(5500, 9999)) + BigInt(Math.min(count, int(0, 99))) }
              : form < 0.9
                ? { form: 'summary', count: Math.max(1, count), mean: int(5500, 10000) }
                : { form: 'summary', count: Math.max(1, count), mean: 7867, exactMean: '78.6666666666667' };
      projects.push({
        code: `XM${String(projectSeq).padStart(7, '0')}`,
        name: `幸福家园${projectSeq}号院`,
        street: `S${String(int(1, 40)).padStart(3, '0')}`,
        community: null,
        households,
        kind: 'commodity',
        resident,
        streetScore: tiedAt ?? (random() < 0.06 ? null : int(5000, 10000)),
        complaints: random() < 0.4 && !tied ? int(1, 60) : 0,
        ...(random() < 0.03 ? { surveyExclusions: [{ households: int(2, 40), reason: '同一设备短时间内大量作答', day: `2025-05-${String(int(10, 28))}` }] } : {}),
      });
    }
    const regulatorKind = random();
    const regulator: RegulatorInput | null = tied
      ? { form: 'departments', scores: [{ department: DEPARTMENTS[0] as string, score: tiedAt }] }
      : regulatorKind < 0.07
        ? null
        : regulatorKind < 0.75
          ? { form: 'departments', scores: DEPARTMENTS.slice(0, int(1, 4)).map((department) => ({ department, score: int(5000, 10000) })) }
          : {
              form: 'deductions',
              rows: Array.from({ length: int(1, 8) }, () => {
                const item = pick(ITEMS);
                const max = item === 'D03' ? 300 : item === 'D04' ? 500 : item === 'B01' ? 300 : 200;
                return { item, projectCode: random() < 0.3 ? null : (projects[int(0, projects.length - 1)]?.code ?? null), points: int(1, max) };
              }),
            };
    const events: EventInput[] = [];
    if (random() < 0.06) {
      const severity = random();
      events.push({
        type: pick(EVENT_TYPES),
        date: `2025-0${int(1, 6)}-1${int(0, 9)}`,
        projectCode: random() < 0.5 ? null : (projects[0]?.code ?? null),
        veto: severity < 0.25,
        severity: severity < 0.6 ? 'serious' : 'minor',
        note: random() < 0.5 ? null : '已责令限期整改',
      });
    }
    result.push({
      uscc: `9122${String(i).padStart(13, '0')}X`,
      name: `金盾第${i}物业服务有限公司`,
      status: random() < 0.01 ? 'disqualified' : 'active',
      projects,
      regulator,
      events,
      rectification: { open: random() < 0.04, unrectified: random() < 0.03 },
    });
  }
  return { roundCode: '2025-H1', firms: result };
}

/** A year-end round over the same firms: each half's published result, some firms in one half only. */
export function generatedYear(seed: number, firms: number): AnnualRoundInput {
  const random = seeded(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const half = (): HalfResultInput[] => [];
  const h1 = half();
  const h2 = half();
  const rectification: AnnualRoundInput['rectification'] = {};
  for (let i = 0; i < firms; i++) {
    const uscc = `9122${String(i).padStart(13, '0')}X`;
    const flagsPool = ['insufficient_sample', 'veto', 'serious_violation', 'high_complaints', 'renormalized'] as const;
    const one = (): HalfResultInput => {
      const households = int(100, 6000);
      const complaints = int(0, 200);
      return {
        uscc,
        name: `金盾第${i}物业服务有限公司`,
        composite: int(5000, 10000),
        scores: { resident: random() < 0.05 ? null : int(5000, 10000), regulator: int(5000, 10000), street: random() < 0.05 ? null : int(5000, 10000) },
        complaintsPer1000: fromHundredths(Math.round((complaints * 100000) / households)),
        flags: random() < 0.1 ? [flagsPool[int(0, flagsPool.length - 1)] as (typeof flagsPool)[number]] : [],
        households,
        complaints,
        responses: int(0, 2000),
        requiredResponses: int(50, 400),
      };
    };
    // 85% of the firms have both halves, 5% only the first, 10% only the second.
    const where = random();
    if (where < 0.9) h1.push(one());
    if (where < 0.85 || where >= 0.9) h2.push(one());
    if (random() < 0.05) rectification[uscc] = { open: random() < 0.5, unrectified: random() < 0.5 };
  }
  return { roundCode: '2025-Y', h1, h2, rectification };
}
