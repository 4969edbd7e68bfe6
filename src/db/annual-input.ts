import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { halfYearCodes } from '../domain/round-code';
import type { AnnualRoundInput, HalfResultInput, RectificationState } from '../domain/types';
import { findRound } from './rounds-repo';
import { latestComputation } from './results-repo';
import { rectificationStates } from './rectification-state';

/** The year-end round's input (SPEC §5.10): the published results of the year's two halves. */
export async function loadAnnualInput(db: Knex | Knex.Transaction, code: string, today: string): Promise<AnnualRoundInput> {
  const halves: HalfResultInput[][] = [];
  for (const half of halfYearCodes(code)) {
    const round = await findRound(db, half);
    const computation = round && round.status === 'published' ? await latestComputation(db, round.id, { explanations: false }) : null;
    if (!round || !computation) throw new DomainError('ROUND_STATE', `年度综合评价 ${code} 需要已发布的 ${half}。`);
    halves.push(
      computation.firms
        .filter((f) => f.rank !== null && f.composite !== null)
        .map((f) => ({ uscc: f.uscc, name: f.name, composite: f.composite as number, scores: f.scores, complaintsPer1000: f.complaintsPer1000, flags: f.flags, households: f.households, complaints: f.complaints, responses: f.responses, requiredResponses: f.requiredResponses })),
    );
  }
  const disqualified = new Set<string>((await db('firms').where({ status: 'disqualified' }).select('uscc')).map((r: { uscc: string }) => r.uscc));
  const keep = (list: HalfResultInput[]) => list.filter((f) => !disqualified.has(f.uscc));
  const h1 = keep(halves[0] ?? []);
  const h2 = keep(halves[1] ?? []);
  const usccs = [...new Set([...h1, ...h2].map((f) => f.uscc))];
  const rectification: Record<string, RectificationState> = await rectificationStates(db, usccs, today);
  return { roundCode: code, h1, h2, rectification };
}
