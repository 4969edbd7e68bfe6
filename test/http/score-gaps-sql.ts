import type { Knex } from 'knex';
import type { ScoreGaps } from '../../src/domain/score-gaps';

type Db = Knex | Knex.Transaction;
type Num = number | string;

const rowsOf = async <T>(db: Db, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> => ((await db.raw(sql, bindings)) as { rows: T[] }).rows;

/**
 * What SPEC §5.3 `block` refuses a compute for — every project of a ranked (not disqualified) firm
 * that lacks its street score or its resident score, and every ranked firm without a regulator
 * score — counted in one SQL statement over the round's snapshot: an independent reference for the
 * count the compute and the what-if read off the engine input (src/domain/score-gaps.ts).
 */
export async function roundScoreGaps(db: Db, roundId: number, { limit = 50 }: { limit?: number } = {}): Promise<ScoreGaps> {
  const rows = await rowsOf<{
    what: 'project' | 'firm';
    code: string;
    name: string;
    street: string | null;
    firm_uscc: string;
    firm_name: string;
    no_street: boolean;
    no_resident: boolean;
    total: Num;
    total_no_street: Num;
    total_no_resident: Num;
  }>(
    db,
    `with gaps as (
       select 'project' as what, p.code, p.name, rp.street_code as street, f.uscc as firm_uscc, rf.name as firm_name,
              (st.project_id is null) as no_street,
              (ss.project_id is null and not exists (select 1 from survey_responses r where r.round_id = rp.round_id and r.project_id = rp.project_id)) as no_resident
         from round_projects rp
         join round_firms rf on rf.round_id = rp.round_id and rf.firm_id = rp.firm_id and rf.status <> 'disqualified'
         join projects p on p.id = rp.project_id
         join firms f on f.id = rp.firm_id
         left join street_scores st on st.round_id = rp.round_id and st.project_id = rp.project_id and st.superseded_at is null
         left join survey_summaries ss on ss.round_id = rp.round_id and ss.project_id = rp.project_id and ss.superseded_at is null
        where rp.round_id = ?
          and (st.project_id is null
               or (ss.project_id is null and not exists (select 1 from survey_responses r where r.round_id = rp.round_id and r.project_id = rp.project_id)))
       union all
       select 'firm', f.uscc, rf.name, null, f.uscc, rf.name, false, false
         from round_firms rf join firms f on f.id = rf.firm_id
        where rf.round_id = ? and rf.status <> 'disqualified'
          and not exists (select 1 from regulator_scores r where r.round_id = rf.round_id and r.firm_id = rf.firm_id and r.superseded_at is null)
          and not exists (select 1 from deductions d where d.round_id = rf.round_id and d.firm_id = rf.firm_id and d.superseded_at is null)
     ), numbered as (
       select gaps.*,
              count(*) over (partition by what) as total,
              count(*) filter (where no_street) over (partition by what) as total_no_street,
              count(*) filter (where no_resident) over (partition by what) as total_no_resident,
              row_number() over (partition by what order by code collate "C") as n
         from gaps
     )
     select what, code, name, street, firm_uscc, firm_name, no_street, no_resident, total, total_no_street, total_no_resident
       from numbered where n <= ? order by what, code collate "C"`,
    [roundId, roundId, limit],
  );
  const projects = rows.filter((r) => r.what === 'project');
  const firms = rows.filter((r) => r.what === 'firm');
  const first = projects[0];
  return {
    projects: first ? Number(first.total) : 0,
    projectsWithoutStreetScore: first ? Number(first.total_no_street) : 0,
    projectsWithoutResident: first ? Number(first.total_no_resident) : 0,
    firms: firms[0] ? Number(firms[0].total) : 0,
    projectList: projects.map((r) => ({
      code: r.code,
      name: r.name,
      street: r.street ?? '',
      firmUscc: r.firm_uscc,
      firmName: r.firm_name,
      withoutStreetScore: r.no_street === true,
      withoutResident: r.no_resident === true,
    })),
    firmList: firms.map((r) => ({ uscc: r.code, name: r.name })),
  };
}
