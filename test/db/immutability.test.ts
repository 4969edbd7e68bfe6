import type { Knex } from 'knex';
import { DomainError } from '../../src/domain/errors';
import { toDomainError, translatingDbErrors } from '../../src/db/sqlstate';
import { backends, useTestDb } from '../support/test-db';
import { aFirm, aProject, aRound, aStreet, openRound, RULES_HASH, setStatus } from './fixtures';

async function aPublishedRound(knex: Knex): Promise<{ roundId: number; computationId: number; firmId: number; projectId: number }> {
  const street = await aStreet(knex);
  const firm = await aFirm(knex);
  const project = await aProject(knex, { firmId: firm.id, street });
  const round = await aRound(knex);
  await openRound(knex, round.id);
  await knex('street_scores').insert({ round_id: round.id, project_id: project.id, score: 8500, entered_by: 'street1' });
  await knex('survey_responses').insert({ round_id: round.id, project_id: project.id, household: '1-101', score: 8000, entered_by: 'bureau' });
  await setStatus(knex, round.id, 'closed');
  const [comp] = (await knex('computations')
    .insert({ round_id: round.id, number: 1, rules_hash: RULES_HASH, created_by: 'bureau' })
    .returning('id')) as { id: number }[];
  const computationId = Number(comp?.id);
  await knex('results').insert({
    computation_id: computationId, firm_id: firm.id, uscc: firm.uscc, name: firm.name, rank: 1, composite: 8540, households: 100,
    explanation: JSON.stringify({ inputs: [], rules: [] }),
  });
  await setStatus(knex, round.id, 'computed');
  await setStatus(knex, round.id, 'publicized');
  await setStatus(knex, round.id, 'published');
  return { roundId: round.id, computationId, firmId: firm.id, projectId: project.id };
}

async function immutableError(work: Promise<unknown>): Promise<DomainError> {
  const error = await translatingDbErrors(() => work).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('ROUND_IMMUTABLE');
  return error as DomainError;
}

describe.each(backends())('published rounds are immutable in the database (%s)', (kind) => {
  const t = useTestDb(kind);
  let p: Awaited<ReturnType<typeof aPublishedRound>>;
  beforeAll(async () => {
    p = await aPublishedRound(t.knex);
  });

  it('refuses an UPDATE of a published result with ROUND_IMMUTABLE', async () => {
    const raw = await t.knex('results').where({ computation_id: p.computationId }).update({ composite: 9999 }).catch((e: unknown) => e);
    expect(String((raw as Error).message)).toMatch(/ROUND_IMMUTABLE/);
    await immutableError(t.knex('results').where({ computation_id: p.computationId }).update({ rank: 2 }));
    const [row] = await t.knex('results').where({ computation_id: p.computationId });
    expect(row.composite).toBe(8540);
  });

  it('refuses a DELETE of a published result, its computation and the round row', async () => {
    await immutableError(t.knex('results').where({ computation_id: p.computationId }).delete());
    await immutableError(t.knex('computations').where({ id: p.computationId }).delete());
    await immutableError(t.knex('rounds').where({ id: p.roundId }).delete());
    await immutableError(t.knex('rounds').where({ id: p.roundId }).update({ status: 'computed' }));
    expect(await t.knex('results').where({ computation_id: p.computationId })).toHaveLength(1);
    expect((await t.knex('rounds').where({ id: p.roundId }).first()).status).toBe('published');
  });

  it('refuses changes to entries and the snapshot of a published round', async () => {
    await immutableError(t.knex('street_scores').where({ round_id: p.roundId }).update({ score: 10000 }));
    await immutableError(t.knex('street_scores').where({ round_id: p.roundId }).update({ superseded_at: t.knex.fn.now() }));
    await immutableError(t.knex('survey_responses').where({ round_id: p.roundId }).delete());
    await immutableError(t.knex('round_projects').where({ round_id: p.roundId }).update({ households: 1 }));
    await immutableError(t.knex('round_firms').where({ round_id: p.roundId }).delete());
  });

  it('refuses new entries, results and computations in a published round', async () => {
    await immutableError(t.knex('survey_responses').insert({ round_id: p.roundId, project_id: p.projectId, household: '9-9', score: 100, entered_by: 'x' }));
    await immutableError(t.knex('events').insert({ round_id: p.roundId, firm_id: p.firmId, occurred_on: '2024-03-01', type: '安全事故', veto: true, entered_by: 'x' }));
    await immutableError(t.knex('computations').insert({ round_id: p.roundId, number: 2, rules_hash: RULES_HASH, created_by: 'x' }));
  });

  it('still allows entries and their correction in an open round', async () => {
    const street = await aStreet(t.knex);
    const firm = await aFirm(t.knex);
    const project = await aProject(t.knex, { firmId: firm.id, street });
    const round = await aRound(t.knex);
    await openRound(t.knex, round.id);
    const [first] = (await t.knex('street_scores').insert({ round_id: round.id, project_id: project.id, score: 7000, entered_by: 's' }).returning('id')) as { id: number }[];
    await t.knex.transaction(async (trx) => {
      await trx('street_scores').where({ id: first?.id }).update({ superseded_at: trx.fn.now() });
      await trx('street_scores').insert({ round_id: round.id, project_id: project.id, score: 7500, entered_by: 's' });
    });
    const current = await t.knex('street_scores').where({ round_id: round.id, project_id: project.id }).whereNull('superseded_at');
    expect(current.map((r: { score: number }) => r.score)).toEqual([7500]);
  });
});

describe.each(backends())('database errors become domain errors (%s)', (kind) => {
  const t = useTestDb(kind);

  it('turns a duplicate USCC into ALREADY_EXISTS naming the key and value', async () => {
    await aFirm(t.knex, { uscc: '91220000MA00000DUP' });
    const error = toDomainError(await aFirm(t.knex, { uscc: '91220000MA00000DUP' }).catch((e: unknown) => e));
    expect(error?.code).toBe('ALREADY_EXISTS');
    expect(error?.message).toContain('统一社会信用代码已存在');
    expect(error?.message).toContain('91220000MA00000DUP');
  });

  it('turns a second current street score for a project into ALREADY_EXISTS', async () => {
    const street = await aStreet(t.knex);
    const firm = await aFirm(t.knex);
    const project = await aProject(t.knex, { firmId: firm.id, street });
    const round = await aRound(t.knex);
    await openRound(t.knex, round.id);
    await t.knex('street_scores').insert({ round_id: round.id, project_id: project.id, score: 7000, entered_by: 's' });
    const error = toDomainError(await t.knex('street_scores').insert({ round_id: round.id, project_id: project.id, score: 7100, entered_by: 's' }).catch((e: unknown) => e));
    expect(error?.code).toBe('ALREADY_EXISTS');
    expect(error?.message).toContain('该项目本周期的街道评分已存在');
  });

  it('turns a missing street into INPUT_INVALID and an out-of-range score into INPUT_INVALID', async () => {
    const firm = await aFirm(t.knex);
    const fk = toDomainError(await aProject(t.knex, { firmId: firm.id, street: '不存在的街道' }).catch((e: unknown) => e));
    expect(fk?.code).toBe('INPUT_INVALID');
    expect(fk?.message).toContain('项目引用的记录不存在');
    const street = await aStreet(t.knex);
    const check = toDomainError(await aProject(t.knex, { firmId: firm.id, street, households: 0 }).catch((e: unknown) => e));
    expect(check?.code).toBe('INPUT_INVALID');
    expect(check?.message).toContain('projects_households_check');
  });

  it('rejects a malformed round code at the database', async () => {
    const error = toDomainError(await aRound(t.knex, { code: '2024-H3' }).catch((e: unknown) => e));
    expect(error?.code).toBe('INPUT_INVALID');
    expect(error?.message).toContain('rounds_code_format');
  });
});
