import type { Knex } from 'knex';
import { roundCompleteness } from '../../src/db/completeness';
import { loadRoundInput } from '../../src/db/round-input';
import { loadSurveyResponses, type SurveyResponseRecord } from '../../src/db/survey-bulk';
import { backends, useTestDb } from '../support/test-db';
import { aFirm, aProject, aRound, aStreet, openRound, setStatus } from './fixtures';

async function* once(rows: SurveyResponseRecord[]): AsyncIterable<SurveyResponseRecord[]> {
  yield rows;
}

/** Supersedes the current row of `table` matching `where` by a new one (as the app corrects an entry). */
async function correct(knex: Knex, table: string, where: Record<string, unknown>, values: Record<string, unknown>): Promise<void> {
  await knex.transaction(async (trx) => {
    const [old] = await trx(table).where(where).whereNull('superseded_at').update({ superseded_at: trx.fn.now() }).returning('id');
    const [neu] = await trx(table).insert({ ...where, ...values, entered_by: 'fix' }).returning('id');
    await trx(table).where({ id: (old as { id: number }).id }).update({ superseded_by: (neu as { id: number }).id });
  });
}

async function aCity(knex: Knex) {
  const a = await aStreet(knex, { code: 'A', name: '东城街道' });
  const b = await aStreet(knex, { code: 'B', name: '西城街道' });
  const f1 = await aFirm(knex, { uscc: '91220000MA00000001', name: '甲物业' });
  const f2 = await aFirm(knex, { uscc: '91220000MA00000002', name: '乙物业' });
  const f3 = await aFirm(knex, { uscc: '91220000MA00000003', name: '丙物业', status: 'suspended' });
  const f4 = await aFirm(knex, { uscc: '91220000MA00000004', name: '丁物业' });
  const p1 = await aProject(knex, { firmId: f1.id, street: a, households: 300, code: 'P1', name: '一号小区', community: '一社区' });
  const p2 = await aProject(knex, { firmId: f1.id, street: b, households: 200, code: 'P2', name: '二号小区', kind: 'old' });
  const p3 = await aProject(knex, { firmId: f2.id, street: a, households: 100, code: 'P3', name: '三号小区', kind: 'affordable' });
  await aProject(knex, { firmId: f3.id, street: a, households: 400, code: 'P4', name: '四号小区' });
  const p5 = await aProject(knex, { firmId: f4.id, street: b, households: 50, code: 'P5', name: '五号小区' });

  // An earlier round with rectification notices for F1 (failed) and F2 (no result yet).
  const r0 = await aRound(knex, { code: '2023-H2' });
  await openRound(knex, r0.id);
  await knex('rectifications').insert([
    { round_id: r0.id, firm_id: f1.id, issued_on: '2024-01-10', deadline: '2024-02-10', reinspect_by: '2024-02-25', result: 'failed', result_on: '2024-02-20' },
    { round_id: r0.id, firm_id: f2.id, issued_on: '2024-06-01', deadline: '2024-07-01', reinspect_by: '2024-07-15' },
  ]);
  await knex('survey_responses').insert({ round_id: r0.id, project_id: p1.id, household: 'old', score: 0, entered_by: 'x' });

  const r = await aRound(knex, { code: '2024-H1' });
  await openRound(knex, r.id);
  // After the snapshot: households and assignment changes must not reach this round's input.
  await knex('projects').where({ id: p1.id }).update({ households: 999 });
  await knex('projects').where({ id: p3.id }).update({ firm_id: f1.id });

  const ctx = { roundId: r.id, enteredBy: 'bureau', importId: null };
  await loadSurveyResponses(knex, ctx, once([
    { projectId: p1.id, household: 'h1', score: 10000 },
    { projectId: p1.id, household: 'h2', score: 8000 },
    { projectId: p1.id, household: 'h3', score: 6000 },
    { projectId: p3.id, household: 'h1', score: 9000 },
  ]));
  await loadSurveyResponses(knex, ctx, once([{ projectId: p1.id, household: 'h3', score: 4000 }]));
  await knex('survey_summaries').insert([
    { round_id: r.id, project_id: p2.id, responses: 50, mean: 7550, entered_by: 'contractor' },
    { round_id: r.id, project_id: p3.id, responses: 20, mean: 8000, entered_by: 'contractor' },
  ]);
  await knex('street_scores').insert([
    { round_id: r.id, project_id: p1.id, score: 8500, entered_by: 'A' },
    { round_id: r.id, project_id: p3.id, score: 7000, entered_by: 'A' },
  ]);
  await correct(knex, 'street_scores', { round_id: r.id, project_id: p1.id }, { score: 9000 });
  await knex('complaints').insert([
    { round_id: r.id, project_id: p1.id, count: 5, entered_by: 'hotline' },
    { round_id: r.id, project_id: p3.id, count: 2, entered_by: 'hotline' },
  ]);
  await correct(knex, 'complaints', { round_id: r.id, project_id: p1.id }, { count: 7 });
  await knex('regulator_scores').insert([
    { round_id: r.id, firm_id: f1.id, department: '执法局', score: 8000, entered_by: 'reg' },
    { round_id: r.id, firm_id: f1.id, department: '消防', score: 5000, entered_by: 'reg' },
  ]);
  await correct(knex, 'regulator_scores', { round_id: r.id, firm_id: f1.id, department: '消防' }, { score: 9000 });
  await knex('deductions').insert([
    { round_id: r.id, firm_id: f2.id, project_id: p3.id, item: 'D1', points: 200, entered_by: 'reg' },
    { round_id: r.id, firm_id: f2.id, project_id: null, item: 'D2', points: 150, entered_by: 'reg' },
  ]);
  await knex('events').insert([
    { round_id: r.id, firm_id: f1.id, project_id: p1.id, occurred_on: '2024-03-05', type: '挪用专项维修资金', veto: true, severity: 'serious', note: '经审计确认', entered_by: 'reg' },
    { round_id: r.id, firm_id: f2.id, project_id: null, occurred_on: '2024-04-01', type: '未按时公示', veto: false, severity: 'minor', entered_by: 'reg', superseded_at: new Date() },
    { round_id: r0.id, firm_id: f2.id, project_id: null, occurred_on: '2023-09-01', type: '上期事件', veto: true, severity: 'serious', entered_by: 'reg' },
  ]);
  return { round: r, ids: { p1: p1.id, p2: p2.id, p3: p3.id, p5: p5.id, f4: f4.id } };
}

describe.each(backends())('round input and completeness (%s)', (kind) => {
  const t = useTestDb(kind);
  let city: Awaited<ReturnType<typeof aCity>>;
  beforeAll(async () => {
    city = await aCity(t.knex);
  });

  it('builds the engine input from the snapshot and the current entries (hand-computed)', async () => {
    const input = await loadRoundInput(t.knex, city.round.id, { asOf: '2024-07-01' });
    expect(input).toEqual({
      roundCode: '2024-H1',
      firms: [
        {
          uscc: '91220000MA00000001',
          name: '甲物业',
          status: 'active',
          projects: [
            // 3 households (h3 answered twice, counted once with its later answer): 10000 + 8000 + 4000.
            { code: 'P1', name: '一号小区', street: 'A', community: '一社区', households: 300, kind: 'commodity', resident: { form: 'responses', count: 3, sum: 22000n }, streetScore: 9000, complaints: 7 },
            { code: 'P2', name: '二号小区', street: 'B', community: null, households: 200, kind: 'old', resident: { form: 'summary', count: 50, mean: 7550 }, streetScore: null, complaints: 0 },
          ],
          regulator: { form: 'departments', scores: [{ department: '执法局', score: 8000 }, { department: '消防', score: 9000 }] },
          events: [{ type: '挪用专项维修资金', date: '2024-03-05', projectCode: 'P1', veto: true, severity: 'serious', note: '经审计确认' }],
          rectification: { open: false, unrectified: true },
        },
        {
          uscc: '91220000MA00000002',
          name: '乙物业',
          status: 'active',
          projects: [
            // Both forms: the individual responses are used (close reports the conflict).
            { code: 'P3', name: '三号小区', street: 'A', community: null, households: 100, kind: 'affordable', resident: { form: 'responses', count: 1, sum: 9000n }, streetScore: 7000, complaints: 2 },
          ],
          regulator: { form: 'deductions', rows: [{ item: 'D1', projectCode: 'P3', points: 200 }, { item: 'D2', projectCode: null, points: 150 }] },
          events: [],
          rectification: { open: true, unrectified: false },
        },
        {
          uscc: '91220000MA00000004',
          name: '丁物业',
          status: 'active',
          projects: [{ code: 'P5', name: '五号小区', street: 'B', community: null, households: 50, kind: 'commodity', resident: null, streetScore: null, complaints: 0 }],
          regulator: null,
          events: [],
          rectification: { open: false, unrectified: false },
        },
      ],
    });
  });

  it('judges a rectification without result overdue after its re-inspection date', async () => {
    const input = await loadRoundInput(t.knex, city.round.id, { asOf: '2024-07-16' });
    expect(input.firms[1]?.rectification).toEqual({ open: false, unrectified: true });
  });

  it('reports what is missing by project, firm, street and source, and survey counts per firm', async () => {
    const c = await roundCompleteness(t.knex, city.round.id);
    expect(c.projectsWithoutStreetScore).toEqual([
      { code: 'P2', name: '二号小区', street: 'B' },
      { code: 'P5', name: '五号小区', street: 'B' },
    ]);
    expect(c.projectsWithoutResident).toEqual([{ code: 'P5', name: '五号小区', street: 'B' }]);
    expect(c.projectsWithBothResidentForms).toEqual([{ code: 'P3', name: '三号小区', street: 'A' }]);
    expect(c.firmsWithoutRegulator).toEqual([{ uscc: '91220000MA00000004', name: '丁物业' }]);
    expect(c.firmsWithBothRegulatorForms).toEqual([]);
    expect(c.byStreet).toEqual([
      { street: 'A', streetName: '东城街道', projects: 2, withStreetScore: 2, withResident: 2 },
      { street: 'B', streetName: '西城街道', projects: 2, withStreetScore: 0, withResident: 1 },
    ]);
    expect(c.bySource).toEqual({ resident: { total: 4, present: 3 }, street: { total: 4, present: 2 }, regulator: { total: 3, present: 2 } });
    expect(c.firms).toEqual([
      { uscc: '91220000MA00000001', name: '甲物业', disqualified: false, households: 500, responses: 53 },
      // P3 has both forms: its one individual response counts, as in the engine, not the summary's 20.
      { uscc: '91220000MA00000002', name: '乙物业', disqualified: false, households: 100, responses: 1 },
      { uscc: '91220000MA00000004', name: '丁物业', disqualified: false, households: 50, responses: 0 },
    ]);
  });

  it('reads a published round the same way', async () => {
    const before = await loadRoundInput(t.knex, city.round.id, { asOf: '2024-07-01' });
    for (const s of ['closed', 'computed', 'publicized', 'published']) await setStatus(t.knex, city.round.id, s);
    expect(await loadRoundInput(t.knex, city.round.id, { asOf: '2024-07-01' })).toEqual(before);
  });
});
