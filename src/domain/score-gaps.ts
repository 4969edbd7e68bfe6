/**
 * SPEC §5.3 `block`: what refuses a compute — every project of a ranked (not disqualified) firm that
 * lacks its street score or its resident score (neither a summary nor a response), and every ranked
 * firm without a regulator score. Read off the round's engine input, which the compute and the
 * what-if (试算) load anyway; a test holds it equal to one SQL count over the round's snapshot
 * (test/http/score-gaps-sql.ts).
 */
import { compareText } from './explanation';
import type { RoundInput } from './types';

export interface ScoreGapProject {
  code: string;
  name: string;
  street: string;
  firmUscc: string;
  firmName: string;
  withoutStreetScore: boolean;
  withoutResident: boolean;
}

export interface ScoreGaps {
  /** Projects of ranked firms lacking a street score or a resident score: how many in all. */
  projects: number;
  projectsWithoutStreetScore: number;
  projectsWithoutResident: number;
  /** Ranked firms without any regulator input. */
  firms: number;
  /** The first `limit` of each, by code (code-point order). */
  projectList: ScoreGapProject[];
  firmList: { uscc: string; name: string }[];
}

export function scoreGaps(input: RoundInput, { limit = 50 }: { limit?: number } = {}): ScoreGaps {
  const projects: ScoreGapProject[] = [];
  const firms: { uscc: string; name: string }[] = [];
  let withoutStreetScore = 0;
  let withoutResident = 0;
  for (const f of input.firms) {
    if (f.status === 'disqualified') continue;
    if (f.regulator === null) firms.push({ uscc: f.uscc, name: f.name });
    for (const p of f.projects) {
      const noStreet = p.streetScore === null;
      const noResident = p.resident === null;
      if (!noStreet && !noResident) continue;
      if (noStreet) withoutStreetScore++;
      if (noResident) withoutResident++;
      projects.push({ code: p.code, name: p.name, street: p.street, firmUscc: f.uscc, firmName: f.name, withoutStreetScore: noStreet, withoutResident: noResident });
    }
  }
  projects.sort((a, b) => compareText(a.code, b.code));
  firms.sort((a, b) => compareText(a.uscc, b.uscc));
  return {
    projects: projects.length,
    projectsWithoutStreetScore: withoutStreetScore,
    projectsWithoutResident: withoutResident,
    firms: firms.length,
    projectList: projects.slice(0, limit),
    firmList: firms.slice(0, limit),
  };
}
