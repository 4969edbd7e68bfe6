/**
 * Imported history (SPEC §11): the half-year lists the bureau published before it ran hhb. Written
 * once per round by the import, never changed (the database refuses it); read by the
 * consecutive-black rule, the firms' histories, the workbook's 与上期对比 and `hhb history list`.
 */
import type { Knex } from 'knex';
import type { Hundredths, ListKind, RoundStatus } from '../domain/types';

/** One firm's line of an earlier published list. */
export interface HistoryResult {
  roundCode: string;
  uscc: string;
  /** As published then. */
  name: string;
  rank: number | null;
  composite: Hundredths | null;
  list: ListKind | null;
  /** 整改结果 of a black-listed firm, when the old records give it. */
  rectification: 'passed' | 'failed' | null;
}

export interface HistoryRoundSummary {
  code: string;
  firms: number;
  red: number;
  black: number;
  watch: number;
  fileName: string;
  importedBy: string;
  importedAt: Date;
}

interface ResultRow {
  round_code: string;
  uscc: string;
  name: string;
  rank: number | string | null;
  composite: number | string | null;
  list: ListKind | null;
  rectification: 'passed' | 'failed' | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toResult(r: ResultRow): HistoryResult {
  return { roundCode: r.round_code, uscc: r.uscc, name: r.name, rank: num(r.rank), composite: num(r.composite), list: r.list, rectification: r.rectification };
}

/** The codes a history file may not use: rounds created in hhb (with their status) and rounds imported before. */
export async function takenRoundCodes(db: Knex | Knex.Transaction): Promise<{ run: { code: string; kind: 'half' | 'annual'; status: RoundStatus }[]; imported: string[] }> {
  const run: { code: string; kind: 'half' | 'annual'; status: RoundStatus }[] = await db('rounds').select('code', 'kind', 'status').orderBy('code');
  const imported: { code: string }[] = await db('history_rounds').select('code').orderBy('code');
  return { run, imported: imported.map((r) => r.code) };
}

/** Writes the rounds of one import and their lists; must run in the transaction that recorded the import. */
export async function insertHistory(trx: Knex.Transaction, importId: number, rows: readonly HistoryResult[]): Promise<void> {
  const codes = [...new Set(rows.map((r) => r.roundCode))].sort();
  await trx('history_rounds').insert(codes.map((code) => ({ code, import_id: importId })));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx('history_results').insert(
      rows.slice(i, i + 1000).map((r) => ({
        round_code: r.roundCode,
        uscc: r.uscc,
        name: r.name,
        rank: r.rank,
        composite: r.composite,
        list: r.list,
        rectification: r.rectification,
      })),
    );
  }
}

/** Every imported round with its counts, oldest first. */
export async function listHistoryRounds(db: Knex | Knex.Transaction): Promise<HistoryRoundSummary[]> {
  const rows: {
    code: string;
    firms: string | number;
    red: string | number;
    black: string | number;
    watch: string | number;
    file_name: string;
    entered_by: string;
    created_at: Date | string;
  }[] = await db('history_rounds as h')
    .join('imports as i', 'i.id', 'h.import_id')
    .leftJoin('history_results as r', 'r.round_code', 'h.code')
    .groupBy('h.code', 'i.file_name', 'i.entered_by', 'h.created_at')
    .select('h.code', 'i.file_name', 'i.entered_by', 'h.created_at')
    .select(db.raw('count(r.uscc) as firms'))
    .select(db.raw(`count(*) filter (where r.list = 'red') as red`))
    .select(db.raw(`count(*) filter (where r.list = 'black') as black`))
    .select(db.raw(`count(*) filter (where r.list = 'watch') as watch`))
    .orderBy('h.code');
  return rows.map((r) => ({
    code: r.code,
    firms: Number(r.firms),
    red: Number(r.red),
    black: Number(r.black),
    watch: Number(r.watch),
    fileName: r.file_name,
    importedBy: r.entered_by,
    importedAt: new Date(r.created_at),
  }));
}

/** The given firms' lines in imported rounds before `beforeCode`, oldest first. */
export async function historyOfFirms(db: Knex | Knex.Transaction, usccs: readonly string[], beforeCode: string): Promise<HistoryResult[]> {
  if (usccs.length === 0) return [];
  const rows: ResultRow[] = await db('history_results').whereIn('uscc', [...usccs]).where('round_code', '<', beforeCode).orderBy(['round_code', 'uscc']);
  return rows.map(toResult);
}

/** One firm's lines in every imported round, oldest first, with the number of ranked firms of each round. */
export async function historyOfFirm(db: Knex | Knex.Transaction, uscc: string): Promise<(HistoryResult & { ranked: number })[]> {
  const rows: (ResultRow & { ranked: string | number })[] = await db('history_results as h')
    .where('h.uscc', uscc)
    .select('h.*', db.raw('(select count(*) from history_results o where o.round_code = h.round_code and o.rank is not null) as ranked'))
    .orderBy('h.round_code');
  return rows.map((r) => ({ ...toResult(r), ranked: Number(r.ranked) }));
}

/** An imported round's whole list, or null when the code was not imported. */
export async function historyRound(db: Knex | Knex.Transaction, code: string): Promise<HistoryResult[] | null> {
  const round = await db('history_rounds').where({ code }).first();
  if (!round) return null;
  const rows: ResultRow[] = await db('history_results').where({ round_code: code }).orderByRaw('rank nulls last, uscc');
  return rows.map(toResult);
}
