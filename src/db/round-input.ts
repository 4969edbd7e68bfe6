/**
 * A round's engine input (RoundInput) from its SNAPSHOT (round_firms, round_projects) and the
 * CURRENT entries (superseded_at is null). Survey responses are reduced in SQL to a count and a sum
 * per project: millions of rows never come into node.
 *
 * Where a project has both resident forms, or a firm both regulator forms (which close reports as
 * an error), the individual responses and the department scores are used.
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { compareText } from '../domain/explanation';
import { rectificationState, rectificationStatus } from '../domain/rectification-status';
import { surveyExclusions } from './survey-codes-repo';
import type {
  DeductionInput,
  EventInput,
  EventSeverity,
  FirmInput,
  FirmStatus,
  ProjectInput,
  ProjectKind,
  RectificationState,
  ResidentInput,
  RoundInput,
} from '../domain/types';

type Db = Knex | Knex.Transaction;
type Num = number | string;

/**
 * survey_summaries.mean (numeric, in hundredths: "7866.6666666666700") → the domain's rounded
 * hundredths, and the mean exactly as given in points when it has more than 2 decimals.
 */
export function summaryMean(stored: Num): { mean: number; exactMean?: string } {
  const [integer = '0', fraction = ''] = String(stored).split('.');
  const decimals = fraction.replace(/0+$/, '');
  if (decimals === '') return { mean: Number(integer) };
  const digits = `${integer}${decimals}`;
  const pointsDecimals = decimals.length + 2;
  const padded = digits.padStart(pointsDecimals + 1, '0');
  const points = `${padded.slice(0, -pointsDecimals).replace(/^0+(?=\d)/, '')}.${padded.slice(-pointsDecimals)}`;
  // half-up to hundredths
  const scale = 10n ** BigInt(decimals.length);
  const mean = Number((BigInt(digits) * 2n + scale) / (scale * 2n));
  return { mean, exactMean: points };
}

const rowsOf = async <T>(db: Db, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> => ((await db.raw(sql, bindings)) as { rows: T[] }).rows;

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

export interface LoadRoundInputOptions {
  /** The date (yyyy-mm-dd) at which open or overdue rectifications are judged; default: the database's current_date. */
  asOf?: string;
}

/**
 * Rectification state (SPEC §5.6–5.7) from the firm's latest rectification notice of an earlier
 * round, by the rule of src/domain/rectification-status.ts: passed → neither; failed → unrectified;
 * no result yet → open until its re-inspection date, unrectified (overdue) after it.
 */
export async function loadRoundInput(db: Db, roundId: number, options: LoadRoundInputOptions = {}): Promise<RoundInput> {
  const round = (await db('rounds').where({ id: roundId }).first('code')) as { code: string } | undefined;
  if (!round) throw new DomainError('ROUND_NOT_FOUND', `评价周期（id ${roundId}）不存在。`);

  const firms = await rowsOf<{ firm_id: Num; uscc: string; name: string; status: FirmStatus }>(
    db,
    `select rf.firm_id, f.uscc, rf.name, rf.status from round_firms rf join firms f on f.id = rf.firm_id
      where rf.round_id = ? order by f.uscc`,
    [roundId],
  );

  const projects = await rowsOf<{
    project_id: Num;
    firm_id: Num;
    code: string;
    name: string;
    street_code: string;
    community: string | null;
    households: Num;
    kind: ProjectKind;
    responses: Num | null;
    response_sum: string | null;
    summary_responses: Num | null;
    summary_mean: Num | null;
    street_score: Num | null;
    complaints: Num | null;
  }>(
    db,
    `with resp as (
       select project_id, count(*) as responses, sum(score)::text as response_sum
         from survey_responses where round_id = ? group by project_id
     )
     select rp.project_id, rp.firm_id, p.code, p.name, rp.street_code, rp.community, rp.households, rp.kind,
            resp.responses, resp.response_sum, ss.responses as summary_responses, ss.mean as summary_mean,
            st.score as street_score, c.count as complaints
       from round_projects rp
       join projects p on p.id = rp.project_id
       left join resp on resp.project_id = rp.project_id
       left join survey_summaries ss on ss.round_id = rp.round_id and ss.project_id = rp.project_id and ss.superseded_at is null
       left join street_scores st on st.round_id = rp.round_id and st.project_id = rp.project_id and st.superseded_at is null
       left join complaints c on c.round_id = rp.round_id and c.project_id = rp.project_id and c.superseded_at is null
      where rp.round_id = ?`,
    [roundId, roundId],
  );
  // Ordered here rather than in SQL: sorting 100,000 wide joined rows cost the server more than the
  // joins themselves (0.5–0.8 s on the province); code-point order, the same on every backend.
  projects.sort((a, b) => compareText(a.code, b.code));

  const departments = await rowsOf<{ firm_id: Num; department: string; score: Num }>(
    db,
    `select firm_id, department, score from regulator_scores where round_id = ? and superseded_at is null order by firm_id, department`,
    [roundId],
  );
  const deductions = await rowsOf<{ firm_id: Num; item: string; project_code: string | null; points: Num }>(
    db,
    `select d.firm_id, d.item, p.code as project_code, d.points from deductions d left join projects p on p.id = d.project_id
      where d.round_id = ? and d.superseded_at is null order by d.firm_id, d.id`,
    [roundId],
  );
  const events = await rowsOf<{
    firm_id: Num;
    type: string;
    occurred_on: string;
    project_code: string | null;
    veto: boolean;
    severity: EventSeverity;
    note: string | null;
  }>(
    db,
    `select e.firm_id, e.type, to_char(e.occurred_on, 'YYYY-MM-DD') as occurred_on, p.code as project_code, e.veto, e.severity, e.note
       from events e left join projects p on p.id = e.project_id
      where e.round_id = ? and e.superseded_at is null order by e.firm_id, e.occurred_on, e.id`,
    [roundId],
  );
  const rectifications = await rowsOf<{ firm_id: Num; result: 'passed' | 'failed' | null; deadline: string; reinspect_by: string; today: string }>(
    db,
    `select distinct on (r.firm_id) r.firm_id, r.result, to_char(r.deadline, 'YYYY-MM-DD') as deadline, to_char(r.reinspect_by, 'YYYY-MM-DD') as reinspect_by,
            to_char(coalesce(?::date, current_date), 'YYYY-MM-DD') as today
       from rectifications r join round_firms rf on rf.firm_id = r.firm_id and rf.round_id = ?
      where r.round_id <> ?
      order by r.firm_id, r.issued_on desc, r.id desc`,
    [options.asOf ?? null, roundId, roundId],
  );

  const exclusionsByProject = groupBy(await surveyExclusions(db, roundId), (e) => e.projectId);
  const projectsByFirm = groupBy(projects, (p) => Number(p.firm_id));
  const departmentsByFirm = groupBy(departments, (d) => Number(d.firm_id));
  const deductionsByFirm = groupBy(deductions, (d) => Number(d.firm_id));
  const eventsByFirm = groupBy(events, (e) => Number(e.firm_id));
  const rectificationByFirm = new Map(
    rectifications.map((r) => [Number(r.firm_id), rectificationState(rectificationStatus({ result: r.result, deadline: r.deadline, reinspectBy: r.reinspect_by }, r.today))]),
  );

  const toProject = (p: (typeof projects)[number]): ProjectInput => {
    let resident: ResidentInput | null = null;
    if (p.responses !== null && Number(p.responses) > 0) {
      resident = { form: 'responses', count: Number(p.responses), sum: BigInt(p.response_sum ?? '0') };
    } else if (p.summary_responses !== null && p.summary_mean !== null) {
      resident = { form: 'summary', count: Number(p.summary_responses), ...summaryMean(p.summary_mean) };
    }
    return {
      code: p.code,
      name: p.name,
      street: p.street_code,
      community: p.community,
      households: Number(p.households),
      kind: p.kind,
      resident,
      streetScore: p.street_score === null ? null : Number(p.street_score),
      complaints: p.complaints === null ? 0 : Number(p.complaints),
      ...(exclusionsByProject.has(Number(p.project_id))
        ? { surveyExclusions: (exclusionsByProject.get(Number(p.project_id)) ?? []).map((e) => ({ households: e.households, reason: e.reason, day: e.day })) }
        : {}),
    };
  };

  const firmInputs: FirmInput[] = firms.map((f) => {
    const id = Number(f.firm_id);
    const depts = departmentsByFirm.get(id) ?? [];
    const deds = deductionsByFirm.get(id) ?? [];
    const regulator: FirmInput['regulator'] =
      depts.length > 0
        ? { form: 'departments', scores: depts.map((d) => ({ department: d.department, score: Number(d.score) })) }
        : deds.length > 0
          ? { form: 'deductions', rows: deds.map((d): DeductionInput => ({ item: d.item, projectCode: d.project_code, points: Number(d.points) })) }
          : null;
    const rectification: RectificationState = rectificationByFirm.get(id) ?? { open: false, unrectified: false };
    return {
      uscc: f.uscc,
      name: f.name,
      status: f.status,
      projects: (projectsByFirm.get(id) ?? []).map(toProject),
      regulator,
      events: (eventsByFirm.get(id) ?? []).map(
        (e): EventInput => ({
          type: e.type,
          date: e.occurred_on,
          projectCode: e.project_code,
          veto: e.veto === true,
          severity: e.severity,
          note: e.note,
        }),
      ),
      rectification,
    };
  });

  return { roundCode: round.code, firms: firmInputs };
}
