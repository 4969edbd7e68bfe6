/**
 * One step of the province benchmark, run in its own process so that its peak RSS (VmHWM) is its
 * own: `node -r tsx/cjs bench/province/step.ts <database url> <step> [args…]`. Prints one JSON line
 * {step, seconds, peakRssMb, detail} on stdout. The time covers the step only, not process start.
 */
import { pipeline } from 'node:stream/promises';
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb } from '../../src/db/knex-factory';
import type { AppContext } from '../../src/app/context';
import { importMasterData, type MasterDataKind } from '../../src/app/import-master-data';
import { importRoundData, type RoundDataKind } from '../../src/app/import-round-data';
import { closeRound, computeRound, createRound, openRound } from '../../src/app/rounds';
import { writeRoundReport } from '../../src/app/report';
import { peakRssMb } from '../measure';

export const ROUND = '2025-H1';

/**
 * The reference query: household-weighted resident means per firm straight from the responses
 * (one answer per household is guaranteed by the table's key), the core of what compute must do.
 */
export const REFERENCE_SQL = `
  select rp.firm_id, sum(rp.households * s.total / s.n) / sum(rp.households) as resident_mean
    from (select project_id, sum(score)::numeric as total, count(*) as n
            from survey_responses where round_id = ? group by project_id) s
    join round_projects rp on rp.round_id = ? and rp.project_id = s.project_id
   group by rp.firm_id`;

async function main(): Promise<void> {
  const [url, step, ...args] = process.argv.slice(2);
  if (!url || !step) throw new Error('usage: step.ts <url> <step> [args…]');
  const db = await createDb({ kind: 'postgres', url }, { migrate: false });
  const ctx: AppContext = { knex: db.knex, dbKind: 'postgres', actor: 'bench', now: () => new Date('2025-07-10T02:00:00Z') };
  const t0 = process.hrtime.bigint();
  let detail: unknown;
  /** Where the timed part of a step ends when it does more afterwards (compute's explanation size). */
  let stepEnd: bigint | null = null;
  try {
    switch (step) {
      case 'master':
        detail = await importMasterData(ctx, args[0] as MasterDataKind, args[1] as string);
        break;
      case 'import':
        detail = await importRoundData(ctx, ROUND, args[0] as RoundDataKind, args[1] as string);
        break;
      case 'create':
        detail = await createRound(ctx, { code: ROUND });
        break;
      case 'open':
        detail = await openRound(ctx, ROUND);
        break;
      case 'close':
        detail = (await closeRound(ctx, ROUND)).problems;
        break;
      case 'compute': {
        // The breakdown of this very compute: read (conflict check and loadRoundInput), engine, store
        // (previous computation, saveComputation, status, audit) and commit, each timed to its end.
        const parts: Record<string, number> = {};
        let last = t0;
        const onPhaseEnd = (phase: string): void => {
          const now = process.hrtime.bigint();
          parts[phase] = Math.round(Number(now - last) / 1e7) / 100;
          last = now;
        };
        const { computation, result } = await computeRound(ctx, ROUND, { force: true, onPhaseEnd });
        onPhaseEnd('commit');
        stepEnd = process.hrtime.bigint();
        const lists = { red: 0, black: 0, watch: 0 };
        for (const f of result.firms) if (f.list) lists[f.list] += 1;
        // What the computation's explanations take as stored (JSON text, before the server compresses it).
        const stored = (await db.knex.raw(
          'select sum(octet_length(r.explanation::text)) as bytes from results r join computations c on c.id = r.computation_id join rounds ro on ro.id = c.round_id where ro.code = ? and c.number = ?',
          [ROUND, computation],
        )) as { rows: { bytes: string }[] };
        const explanationMb = Math.round(Number(stored.rows[0]?.bytes ?? 0) / 1e5) / 10;
        detail = { ...parts, computation, ranked: result.ranked, ...lists, explanationMb };
        break;
      }
      case 'report': {
        const files = await writeRoundReport(ctx, ROUND, args[0] as string, { start: () => {}, tick: () => {}, stop: () => {} }, { scoreCards: 'listed' });
        detail = { files: files.length };
        break;
      }
      case 'copy': {
        // A scratch copy of the table: same columns, key and indexes, no triggers.
        await db.knex.raw('drop table if exists bench_copy');
        await db.knex.raw('create table bench_copy (like survey_responses including all)');
        const start = process.hrtime.bigint();
        const conn = (await db.knex.client.acquireConnection()) as { query(s: Writable): Writable };
        try {
          await pipeline(
            createReadStream(args[0] as string),
            conn.query(copyFrom('copy bench_copy (round_id, project_id, household, score, entered_by, import_id) from stdin with (format csv)')),
          );
        } finally {
          await db.knex.client.releaseConnection(conn);
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const n = Number(((await db.knex.raw('select count(*) as n from bench_copy')).rows as { n: string }[])[0]?.n);
        await db.knex.raw('drop table bench_copy');
        process.stdout.write(`${JSON.stringify({ step, seconds, peakRssMb: peakRssMb(), detail: { rows: n } })}\n`);
        return;
      }
      case 'sql': {
        const round = (await db.knex('rounds').where({ code: ROUND }).first('id')) as { id: number };
        const rows = (await db.knex.raw(REFERENCE_SQL, [round.id, round.id])).rows as unknown[];
        detail = { firms: rows.length };
        break;
      }
      default:
        throw new Error(`unknown step ${step}`);
    }
    const seconds = Number((stepEnd ?? process.hrtime.bigint()) - t0) / 1e9;
    process.stdout.write(`${JSON.stringify({ step, seconds, peakRssMb: peakRssMb(), detail })}\n`);
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
