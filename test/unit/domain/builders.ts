/**
 * Test builders for the engine's inputs: scores are written on the 0–100 scale (85.4) and turned
 * into integer hundredths here; everything not given gets a plain, sufficient default.
 */
import {
  type EventInput,
  type FirmInput,
  type HalfResultInput,
  type ProjectInput,
  type RegulatorInput,
  type ResidentInput,
  type RoundInput,
} from '../../../src/domain/types';

/** 85.4 → 8540 */
export const h = (points: number): number => Math.round(points * 100);

let projectSeq = 0;

export interface ProjectSpec {
  code?: string;
  name?: string;
  street?: string;
  households?: number;
  /** Resident mean (summary form); null: no resident score. */
  resident?: number | null;
  /** Valid responses of the summary (default: every household). */
  responses?: number;
  /** Give the resident input directly (e.g. from residentFromResponses). */
  residentInput?: ResidentInput | null;
  streetScore?: number | null;
  complaints?: number;
}

export function aProject(spec: ProjectSpec = {}): ProjectInput {
  projectSeq += 1;
  const households = spec.households ?? 1000;
  const resident: ResidentInput | null =
    spec.residentInput !== undefined
      ? spec.residentInput
      : spec.resident === null
        ? null
        : { form: 'summary', count: spec.responses ?? households, mean: h(spec.resident ?? 80) };
  return {
    code: spec.code ?? `P${String(projectSeq).padStart(5, '0')}`,
    name: spec.name ?? `测试小区${projectSeq}`,
    street: spec.street ?? '东宁街道',
    community: null,
    households,
    kind: 'commodity',
    resident,
    streetScore: spec.streetScore === null ? null : h(spec.streetScore ?? 80),
    complaints: spec.complaints ?? 0,
  };
}

export interface FirmSpec {
  uscc?: string;
  name?: string;
  status?: FirmInput['status'];
  /** One score for all three sources (the composite then equals it). */
  score?: number;
  resident?: number | null;
  regulator?: number | null;
  street?: number | null;
  households?: number;
  responses?: number;
  complaints?: number;
  projects?: ProjectInput[];
  regulatorInput?: RegulatorInput | null;
  events?: EventInput[];
  rectification?: Partial<FirmInput['rectification']>;
}

let firmSeq = 0;

export function aFirm(spec: FirmSpec = {}): FirmInput {
  firmSeq += 1;
  const base = spec.score ?? 80;
  const regulator = spec.regulator === undefined ? base : spec.regulator;
  const projects = spec.projects ?? [
    aProject({
      households: spec.households ?? 1000,
      resident: spec.resident === undefined ? base : spec.resident,
      streetScore: spec.street === undefined ? base : spec.street,
      ...(spec.responses === undefined ? {} : { responses: spec.responses }),
      complaints: spec.complaints ?? 0,
    }),
  ];
  return {
    uscc: spec.uscc ?? `F${String(firmSeq).padStart(5, '0')}`,
    name: spec.name ?? `测试物业${firmSeq}`,
    status: spec.status ?? 'active',
    projects,
    regulator:
      spec.regulatorInput !== undefined
        ? spec.regulatorInput
        : regulator === null
          ? null
          : { form: 'departments', scores: [{ department: '住建局物业科', score: h(regulator) }] },
    events: spec.events ?? [],
    rectification: { open: false, unrectified: false, ...spec.rectification },
  };
}

export function anEvent(spec: Partial<EventInput> = {}): EventInput {
  return {
    type: spec.type ?? '重大安全事故',
    date: spec.date ?? '2025-03-01',
    projectCode: spec.projectCode ?? null,
    veto: spec.veto ?? false,
    severity: spec.severity ?? 'minor',
    note: spec.note ?? null,
  };
}

export function aRound(firms: FirmInput[], roundCode = '2025-H1'): RoundInput {
  return { roundCode, firms };
}

/** n firms whose composites step down from `top` by `step` (uscc C01, C02, … in rank order). */
export function aCity(n: number, top = 95, step = 1, overrides: Record<number, FirmSpec> = {}): FirmInput[] {
  return Array.from({ length: n }, (_, i) =>
    aFirm({ uscc: `C${String(i + 1).padStart(2, '0')}`, name: `第${i + 1}物业`, score: top - i * step, ...overrides[i + 1] }),
  );
}

export function aHalf(spec: Partial<HalfResultInput> & { uscc: string; composite: number }): HalfResultInput {
  return {
    uscc: spec.uscc,
    name: spec.name ?? `企业${spec.uscc}`,
    composite: h(spec.composite),
    scores: spec.scores ?? { resident: h(spec.composite), regulator: h(spec.composite), street: h(spec.composite) },
    complaintsPer1000: spec.complaintsPer1000 ?? null,
    flags: spec.flags ?? [],
  };
}
