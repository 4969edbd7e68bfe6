import { appendAudit, verifyAudit } from '../../src/db/audit';
import { toDomainError } from '../../src/db/sqlstate';
import { backends, truncateAll, useTestDb, withoutTriggers } from '../support/test-db';

describe.each(backends())('audit chain (%s)', (kind) => {
  const t = useTestDb(kind);
  beforeEach(async () => {
    await truncateAll(t.knex);
  });

  async function appendFive(): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const rec = await t.knex.transaction((trx) =>
        appendAudit(trx, {
          actor: `user${i}`,
          action: 'firm.update',
          entity: 'firm',
          entityId: i,
          before: { name: `旧名称${i}`, score: 85.4, nested: { z: 1, a: [1, '二'] } },
          after: { name: `新名称"${i}"\n` },
          reason: i % 2 === 0 ? '更正错误' : null,
        }),
      );
      ids.push(rec.id);
    }
    return ids;
  }

  it('chains each row to the one before and verifies an untouched log', async () => {
    const ids = await appendFive();
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const rows = await t.knex('audit_log').orderBy('id');
    expect(rows[0].prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i += 1) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(await verifyAudit(t.knex)).toEqual({ ok: true, rows: 5 });
  });

  it('verifies an empty log', async () => {
    expect(await verifyAudit(t.knex)).toEqual({ ok: true, rows: 0 });
  });

  it('refuses UPDATE and DELETE of audit rows', async () => {
    await appendFive();
    const upd = toDomainError(await t.knex('audit_log').update({ actor: 'mallory' }).catch((e: unknown) => e));
    expect(upd?.message).toContain('审计日志只能追加');
    const del = await t.knex('audit_log').delete().catch((e: unknown) => e);
    expect(String((del as Error).message)).toContain('AUDIT_APPEND_ONLY');
    expect(await t.knex('audit_log').count('* as n').first()).toEqual({ n: kind === 'postgres' ? '5' : 5 });
  });

  it('finds the first tampered row when its content is changed behind the triggers', async () => {
    const ids = await appendFive();
    await withoutTriggers(t.knex, (trx) => trx('audit_log').where({ id: ids[2] }).update({ after: JSON.stringify({ name: '篡改' }) }));
    expect(await verifyAudit(t.knex)).toEqual({ ok: false, brokenAt: ids[2], rows: 3 });
  });

  it('finds a deleted row at the row after it', async () => {
    const ids = await appendFive();
    await withoutTriggers(t.knex, (trx) => trx('audit_log').where({ id: ids[1] }).delete());
    expect(await verifyAudit(t.knex)).toEqual({ ok: false, brokenAt: ids[2], rows: 2 });
  });

  it('pages through more rows than one page', async () => {
    await t.knex.transaction(async (trx) => {
      for (let i = 0; i < 2100; i += 1) await appendAudit(trx, { actor: 'bulk', action: 'x', entity: 'e', entityId: i });
    });
    const result = await verifyAudit(t.knex);
    expect(result).toEqual({ ok: true, rows: 2100 });
    const [last] = await t.knex('audit_log').orderBy('id', 'desc').limit(1);
    await withoutTriggers(t.knex, (trx) => trx('audit_log').where({ id: last.id }).update({ actor: 'other' }));
    expect(await verifyAudit(t.knex)).toEqual({ ok: false, brokenAt: Number(last.id), rows: 2100 });
  });
});
