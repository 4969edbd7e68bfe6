/**
 * What a round still lacks (SPEC §3 close, §7 dashboard "completeness by street and by source"),
 * computed in SQL over the round's snapshot and its current entries. Survey sufficiency (§5.5) is the
 * engine's rule: this returns per firm the households and valid responses, counted as the engine
 * counts them, and the round's use case applies that rule to them.
 */
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;
type Num = number | string;

export interface ProjectRef {
  code: string;
  name: string;
  street: string;
}
export interface FirmRef {
  uscc: string;
  name: string;
}

export interface StreetCompleteness {
  street: string;
  streetName: string;
  projects: number;
  withStreetScore: number;
  withResident: number;
}

export interface SourceCompleteness {
  /** Projects (resident, street) or firms (regulator) in the snapshot. */
  total: number;
  /** How many have the source. */
  present: number;
}

export interface FirmSurveyCount {
  uscc: string;
  name: string;
  /** Disqualified firms are in the snapshot but not ranked. */
  disqualified: boolean;
  /** Σ households of the firm's projects in the snapshot (N of §5.5). */
  households: number;
  /** Valid responses: individual responses (one per household) plus contractor summaries' valid responses. */
  responses: number;
}

export interface RoundCompleteness {
  projectsWithoutStreetScore: ProjectRef[];
  projectsWithoutResident: ProjectRef[];
  projectsWithBothResidentForms: ProjectRef[];
  firmsWithoutRegulator: FirmRef[];
  firmsWithBothRegulatorForms: FirmRef[];
  byStreet: StreetCompleteness[];
  bySource: { resident: SourceCompleteness; regulator: SourceCompleteness; street: SourceCompleteness };
  firms: FirmSurveyCount[];
}

const rowsOf = async <T>(db: Db, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> => ((await db.raw(sql, bindings)) as { rows: T[] }).rows;

export async function roundCompleteness(db: Db, roundId: number): Promise<RoundCompleteness> {
  const projects = await rowsOf<{
    code: string;
    name: string;
    street: string;
    street_name: string;
    firm_id: Num;
    households: Num;
    responses: Num;
    summary_responses: Num | null;
    has_street: boolean;
  }>(
    db,
    `with resp as (
       select project_id, count(*) as responses from survey_responses where round_id = ? group by project_id
     )
     select p.code, p.name, rp.street_code as street, s.name as street_name, rp.firm_id, rp.households,
            coalesce(resp.responses, 0) as responses, ss.responses as summary_responses, (st.id is not null) as has_street
       from round_projects rp
       join projects p on p.id = rp.project_id
       join streets s on s.code = rp.street_code
       left join resp on resp.project_id = rp.project_id
       left join survey_summaries ss on ss.round_id = rp.round_id and ss.project_id = rp.project_id and ss.superseded_at is null
       left join street_scores st on st.round_id = rp.round_id and st.project_id = rp.project_id and st.superseded_at is null
      where rp.round_id = ?
      order by rp.street_code, p.code`,
    [roundId, roundId],
  );
  const firms = await rowsOf<{ firm_id: Num; uscc: string; name: string; status: string; departments: Num; deductions: Num }>(
    db,
    `select rf.firm_id, f.uscc, rf.name, rf.status,
            (select count(*) from regulator_scores r where r.round_id = rf.round_id and r.firm_id = rf.firm_id and r.superseded_at is null) as departments,
            (select count(*) from deductions d where d.round_id = rf.round_id and d.firm_id = rf.firm_id and d.superseded_at is null) as deductions
       from round_firms rf join firms f on f.id = rf.firm_id
      where rf.round_id = ?
      order by f.uscc`,
    [roundId],
  );

  const ref = (p: (typeof projects)[number]): ProjectRef => ({ code: p.code, name: p.name, street: p.street });
  const hasResponses = (p: (typeof projects)[number]): boolean => Number(p.responses) > 0;
  const hasSummary = (p: (typeof projects)[number]): boolean => p.summary_responses !== null;
  const hasResident = (p: (typeof projects)[number]): boolean => hasResponses(p) || hasSummary(p);

  const byStreet = new Map<string, StreetCompleteness>();
  const perFirm = new Map<number, { households: number; responses: number }>();
  for (const p of projects) {
    const s = byStreet.get(p.street) ?? { street: p.street, streetName: p.street_name, projects: 0, withStreetScore: 0, withResident: 0 };
    s.projects += 1;
    if (p.has_street) s.withStreetScore += 1;
    if (hasResident(p)) s.withResident += 1;
    byStreet.set(p.street, s);
    const f = perFirm.get(Number(p.firm_id)) ?? { households: 0, responses: 0 };
    f.households += Number(p.households);
    // As the engine counts them: a project's individual responses, or else its contractor's summary.
    f.responses += Number(p.responses) > 0 ? Number(p.responses) : p.summary_responses === null ? 0 : Number(p.summary_responses);
    perFirm.set(Number(p.firm_id), f);
  }

  const firmRef = (f: (typeof firms)[number]): FirmRef => ({ uscc: f.uscc, name: f.name });
  const hasRegulator = (f: (typeof firms)[number]): boolean => Number(f.departments) > 0 || Number(f.deductions) > 0;

  return {
    projectsWithoutStreetScore: projects.filter((p) => !p.has_street).map(ref),
    projectsWithoutResident: projects.filter((p) => !hasResident(p)).map(ref),
    projectsWithBothResidentForms: projects.filter((p) => hasResponses(p) && hasSummary(p)).map(ref),
    firmsWithoutRegulator: firms.filter((f) => !hasRegulator(f)).map(firmRef),
    firmsWithBothRegulatorForms: firms.filter((f) => Number(f.departments) > 0 && Number(f.deductions) > 0).map(firmRef),
    byStreet: [...byStreet.values()],
    bySource: {
      resident: { total: projects.length, present: projects.filter(hasResident).length },
      street: { total: projects.length, present: projects.filter((p) => p.has_street).length },
      regulator: { total: firms.length, present: firms.filter(hasRegulator).length },
    },
    firms: firms.map((f) => ({ uscc: f.uscc, name: f.name, disqualified: f.status === 'disqualified', ...(perFirm.get(Number(f.firm_id)) ?? { households: 0, responses: 0 }) })),
  };
}

/**
 * Only the conflicts that block a compute (a project with both resident forms, a firm with both
 * regulator forms), without aggregating every survey response: compute reads the responses once,
 * in loadRoundInput (the province benchmark measured the full completeness report at a third of
 * compute's time with 10 million responses).
 */
export async function roundFormConflicts(db: Db, roundId: number): Promise<{ projectsWithBothResidentForms: ProjectRef[]; firmsWithBothRegulatorForms: FirmRef[] }> {
  const projects = await rowsOf<ProjectRef>(
    db,
    `select p.code, p.name, rp.street_code as street
       from survey_summaries ss
       join round_projects rp on rp.round_id = ss.round_id and rp.project_id = ss.project_id
       join projects p on p.id = ss.project_id
      where ss.round_id = ? and ss.superseded_at is null
        and exists (select 1 from survey_responses r where r.round_id = ss.round_id and r.project_id = ss.project_id)
      order by rp.street_code, p.code`,
    [roundId],
  );
  const firms = await rowsOf<FirmRef>(
    db,
    `select f.uscc, rf.name
       from round_firms rf join firms f on f.id = rf.firm_id
      where rf.round_id = ?
        and exists (select 1 from regulator_scores r where r.round_id = rf.round_id and r.firm_id = rf.firm_id and r.superseded_at is null)
        and exists (select 1 from deductions d where d.round_id = rf.round_id and d.firm_id = rf.firm_id and d.superseded_at is null)
      order by f.uscc`,
    [roundId],
  );
  return { projectsWithBothResidentForms: projects.map((p) => ({ code: p.code, name: p.name, street: p.street })), firmsWithBothRegulatorForms: firms.map((f) => ({ uscc: f.uscc, name: f.name })) };
}
