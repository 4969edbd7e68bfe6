import Fraction from 'fraction.js';
import type { Knex } from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { DomainError } from '../domain/errors';
import type { Rules } from '../domain/rules';
import type { Explanation, ExplanationFacts, FirmResult, Flag, InputFact, ListKind, Phrase, RoundKind, RoundResult, RoundStatus } from '../domain/types';
import { type PgCopyClient, isPostgres, writeChunk } from './copy-stream';

interface ResultRow {
  computation_id: number;
  firm_id: number;
  uscc: string;
  name: string;
  rank: number | null;
  composite: number | null;
  composite_exact: string | null;
  resident: number | null;
  regulator: number | null;
  street: number | null;
  households: number;
  complaints: number;
  responses: number;
  required_responses: number | null;
  grade: string | null;
  list: ListKind | null;
  flags: Flag[] | string;
  reasons: string[] | string;
  explanation?: StoredExplanation | string;
}

export interface StoredComputation {
  id: number;
  number: number;
  rulesHash: string;
  forced: boolean;
  createdAt: Date;
  firms: FirmResult[];
  /**
   * What the reports need, as the engine had it: the ranked firms, the red (top) and black (bottom)
   * candidate slice sizes, and the typed rules it applied. null for a computation stored before
   * these were kept (the reader then derives them from the round's frozen rules).
   */
  placement: StoredPlacement | null;
}

export interface StoredPlacement {
  ranked: number;
  sliceSize: number;
  blackSliceSize: number;
  rules: Rules;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/**
 * results.explanation holds the engine's facts as arrays: {"i": [[source, subject, value], …],
 * "r": [[rule, code, text], …]}, each phrase literal text or [wording key, …arguments]. Results
 * computed before facts were stored hold the rendered text ({"inputs": …, "rules": …}), which
 * reads back as facts of literal text.
 */
type StoredExplanation =
  | { i: [InputFact['source'], Phrase, Phrase][]; r: [string, string, Phrase][] }
  | Explanation;

function encodeExplanation(e: ExplanationFacts): string {
  return JSON.stringify({ i: e.inputs.map((x) => [x.source, x.subject, x.value]), r: e.rules.map((x) => [x.rule, x.code, x.text]) });
}

function decodeExplanation(stored: StoredExplanation): ExplanationFacts {
  if ('inputs' in stored) return stored;
  return {
    inputs: stored.i.map(([source, subject, value]) => ({ source, subject, value })),
    rules: stored.r.map(([rule, code, text]) => ({ rule, code, text })),
  };
}

const NO_EXPLANATION: ExplanationFacts = Object.freeze({ inputs: Object.freeze([]) as unknown as InputFact[], rules: Object.freeze([]) as unknown as ExplanationFacts['rules'] });
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toFirmResult(row: ResultRow): FirmResult {
  const households = Number(row.households);
  const complaints = Number(row.complaints);
  return {
    uscc: row.uscc,
    name: row.name,
    rank: num(row.rank),
    composite: num(row.composite),
    compositeExact: row.composite_exact,
    scores: { resident: num(row.resident), regulator: num(row.regulator), street: num(row.street) },
    households,
    complaints,
    complaintsPer1000: households > 0 ? new Fraction(complaints * 1000, households) : null,
    responses: Number(row.responses),
    requiredResponses: num(row.required_responses),
    grade: row.grade,
    list: row.list,
    flags: json(row.flags),
    reasons: json(row.reasons),
    explanation: row.explanation === undefined ? NO_EXPLANATION : decodeExplanation(json(row.explanation)),
  };
}

const RESULT_COLUMNS = [
  'computation_id',
  'firm_id',
  'uscc',
  'name',
  'rank',
  'composite',
  'composite_exact',
  'resident',
  'regulator',
  'street',
  'households',
  'complaints',
  'responses',
  'required_responses',
  'grade',
  'list',
  'flags',
  'reasons',
  'explanation',
] as const;

type ResultInsert = Record<(typeof RESULT_COLUMNS)[number], string | number | null>;

function toRow(computationId: number, firmId: number, f: FirmResult): ResultInsert {
  return {
    computation_id: computationId,
    firm_id: firmId,
    uscc: f.uscc,
    name: f.name,
    rank: f.rank,
    composite: f.composite,
    composite_exact: f.compositeExact,
    resident: f.scores.resident,
    regulator: f.scores.regulator,
    street: f.scores.street,
    households: f.households,
    complaints: f.complaints,
    responses: f.responses,
    required_responses: f.requiredResponses,
    grade: f.grade,
    list: f.list,
    flags: JSON.stringify(f.flags),
    reasons: JSON.stringify(f.reasons),
    explanation: encodeExplanation(f.explanation),
  };
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field of COPY … FROM STDIN (text format): \N for null, backslash, tab, newline and CR escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : value;
}

/**
 * PostgreSQL: the rows go through one COPY on the transaction's own connection, written in chunks of
 * about 1 MB as they are serialized, so the server parses one chunk while the next is being built
 * (the province's 20,000 explanations are about 50 MB of JSON).
 */
async function copyRows(trx: Knex.Transaction, rows: Iterable<ResultInsert>): Promise<void> {
  const client = (await trx.client.acquireConnection()) as PgCopyClient;
  const stream = client.query(copyFrom(`copy results (${RESULT_COLUMNS.join(', ')}) from stdin`));
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });
  finished.catch(() => undefined); // observed below
  try {
    let chunk = '';
    for (const row of rows) {
      chunk += `${RESULT_COLUMNS.map((c) => copyField(row[c])).join('\t')}\n`;
      if (chunk.length >= 1 << 20) {
        await writeChunk(stream, chunk);
        chunk = '';
      }
    }
    stream.end(chunk);
  } catch (error) {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await finished.catch(() => undefined);
    throw error;
  }
  await finished;
}

/** Stores one computation of a round and all its firm results; returns its number (1, 2, …). */
export async function saveComputation(
  trx: Knex.Transaction,
  roundId: number,
  result: RoundResult,
  meta: { forced: boolean; createdBy: string; at: Date; rules: Rules },
): Promise<number> {
  const [last] = await trx('computations').where({ round_id: roundId }).max<{ max: number | string | null }[]>('number as max');
  const number = Number(last?.max ?? 0) + 1;
  const [comp] = await trx('computations')
    .insert({
      round_id: roundId,
      number,
      rules_hash: result.rulesHash,
      forced: meta.forced,
      created_by: meta.createdBy,
      created_at: meta.at,
      ranked: result.ranked,
      red_slice: result.sliceSize,
      black_slice: result.blackSliceSize,
      rules: JSON.stringify(meta.rules),
    })
    .returning('id');
  const computationId = Number(typeof comp === 'object' ? (comp as { id: number }).id : comp);
  // One array parameter, not 20,000 placeholders.
  const firmRows = ((await trx.raw('select id, uscc from firms where uscc = any(?::bpchar[])', [result.firms.map((f) => f.uscc)])) as { rows: { id: number | string; uscc: string }[] }).rows;
  const firmIds = new Map<string, number>(firmRows.map((r) => [r.uscc, Number(r.id)]));
  const firmId = (uscc: string): number => {
    const id = firmIds.get(uscc);
    if (id === undefined) throw new DomainError('FIRM_NOT_FOUND', `结果中的企业 ${uscc} 不在企业名录中。`);
    return id;
  };
  if (isPostgres(trx)) {
    await copyRows(trx, (function* () {
      for (const f of result.firms) yield toRow(computationId, firmId(f.uscc), f);
    })());
  } else {
    const rows = result.firms.map((f) => toRow(computationId, firmId(f.uscc), f));
    for (let i = 0; i < rows.length; i += 500) await trx('results').insert(rows.slice(i, i + 500));
  }
  return number;
}

/** The round's latest computation (its id, number and the rules hash it applied), or null before the first. */
export async function latestComputationHead(db: Knex | Knex.Transaction, roundId: number): Promise<{ id: number; number: number; rulesHash: string } | null> {
  const row = (await db('computations').where({ round_id: roundId }).orderBy('number', 'desc').select('id', 'number', 'rules_hash').first()) as
    | { id: number | string; number: number | string; rules_hash: string }
    | undefined;
  return row ? { id: Number(row.id), number: Number(row.number), rulesHash: row.rules_hash } : null;
}

/**
 * The latest computation of a round with its firms in result order (ranked first, by rank, then
 * unranked by USCC). With `explanations: false` the firms' explanations are not read (they are most
 * of a province's result) and come back empty: for readers that compare or list results.
 */
export async function latestComputation(
  db: Knex | Knex.Transaction,
  roundId: number,
  { explanations = true }: { explanations?: boolean } = {},
): Promise<StoredComputation | null> {
  const comp = await db('computations').where({ round_id: roundId }).orderBy('number', 'desc').first();
  if (!comp) return null;
  const columns: string[] = explanations ? [...RESULT_COLUMNS] : RESULT_COLUMNS.filter((c) => c !== 'explanation');
  const rows = (await db('results')
    .where({ computation_id: comp.id })
    .select(columns)
    .orderByRaw('rank is null, rank, composite desc nulls last, uscc')) as ResultRow[];
  return {
    id: Number(comp.id),
    number: Number(comp.number),
    rulesHash: comp.rules_hash,
    forced: Boolean(comp.forced),
    createdAt: comp.created_at,
    firms: rows.map(toFirmResult),
    placement:
      comp.ranked === null || comp.ranked === undefined || comp.rules === null || comp.rules === undefined
        ? null
        : { ranked: Number(comp.ranked), sliceSize: Number(comp.red_slice), blackSliceSize: Number(comp.black_slice), rules: json<Rules>(comp.rules) },
  };
}

/** One firm's result in the latest computation of a round, with that computation's number and rules hash; null when the round has no computation or the firm no result in it. */
export async function latestFirmResult(
  db: Knex | Knex.Transaction,
  roundId: number,
  uscc: string,
): Promise<{ computation: number; rulesHash: string; firm: FirmResult | null } | null> {
  const head = await latestComputationHead(db, roundId);
  if (!head) return null;
  const row = (await db('results').where({ computation_id: head.id, uscc }).first([...RESULT_COLUMNS])) as ResultRow | undefined;
  return { computation: head.number, rulesHash: head.rulesHash, firm: row ? toFirmResult(row) : null };
}

/** A firm (by USCC) among the results of any computation of a round, with its name there; undefined when none. */
export async function firmInComputations(db: Knex | Knex.Transaction, roundId: number, uscc: string): Promise<{ firmId: number; name: string } | undefined> {
  const row: { firm_id: number | string; name: string } | undefined = await db('results as res')
    .join('computations as c', 'c.id', 'res.computation_id')
    .where('c.round_id', roundId)
    .where('res.uscc', uscc)
    .select('res.firm_id', 'res.name')
    .first();
  return row ? { firmId: Number(row.firm_id), name: row.name } : undefined;
}

/** One firm's result in the latest computation of a round, with the round it belongs to. */
export interface LatestResult {
  roundId: number;
  roundCode: string;
  roundStatus: RoundStatus;
  computationId: number;
  firmId: number;
  uscc: string;
  rank: number | null;
  composite: number | null;
  scores: { resident: number | null; regulator: number | null; street: number | null };
  list: ListKind | null;
  reasons: string[];
}

/** Which rounds' latest results to read: by kind, status and code, of some firms. */
export interface LatestResultsFilter {
  kind?: RoundKind | undefined;
  statuses?: readonly RoundStatus[] | undefined;
  /** Rounds whose code sorts before this one. */
  codeBefore?: string | undefined;
  /** Rounds whose code sorts before or equals this one. */
  codeAtMost?: string | undefined;
  usccs?: readonly string[] | undefined;
  firmId?: number | undefined;
}

interface LatestResultRow {
  round_id: number | string;
  code: string;
  status: RoundStatus;
  computation_id: number | string;
  firm_id: number | string;
  uscc: string;
  rank: number | string | null;
  composite: number | string | null;
  resident: number | string | null;
  regulator: number | string | null;
  street: number | string | null;
  list: ListKind | null;
  reasons: string[] | string;
}

/**
 * The results of the latest computation of every round the filter keeps, oldest round first (a firm's
 * trend, its history, the consecutive-black rule all read rounds through this one query).
 */
export async function latestResults(db: Knex | Knex.Transaction, f: LatestResultsFilter): Promise<LatestResult[]> {
  const q = db
    .select('r.id as round_id', 'r.code', 'r.status', 'c.id as computation_id', 'res.firm_id', 'res.uscc', 'res.rank', 'res.composite', 'res.resident', 'res.regulator', 'res.street', 'res.list', 'res.reasons')
    .from('rounds as r')
    .join('computations as c', function latest() {
      this.on('c.round_id', '=', 'r.id').andOn('c.number', '=', db.raw('(select max(number) from computations c2 where c2.round_id = r.id)'));
    })
    .join('results as res', 'res.computation_id', 'c.id')
    .orderBy(['r.code', 'res.uscc']);
  if (f.kind) q.where('r.kind', f.kind);
  if (f.statuses) q.whereIn('r.status', [...f.statuses]);
  if (f.codeBefore !== undefined) q.where('r.code', '<', f.codeBefore);
  if (f.codeAtMost !== undefined) q.where('r.code', '<=', f.codeAtMost);
  if (f.usccs) q.whereIn('res.uscc', [...f.usccs]);
  if (f.firmId !== undefined) q.where('res.firm_id', f.firmId);
  const rows: LatestResultRow[] = await q;
  return rows.map((r) => ({
    roundId: Number(r.round_id),
    roundCode: r.code,
    roundStatus: r.status,
    computationId: Number(r.computation_id),
    firmId: Number(r.firm_id),
    uscc: r.uscc,
    rank: num(r.rank),
    composite: num(r.composite),
    scores: { resident: num(r.resident), regulator: num(r.regulator), street: num(r.street) },
    list: r.list,
    reasons: json(r.reasons),
  }));
}

/** How many firms each of the given computations ranked. */
export async function rankedCounts(db: Knex | Knex.Transaction, computationIds: readonly number[]): Promise<Map<number, number>> {
  const rows: { computation_id: number | string; n: number | string }[] = await db('results')
    .whereIn('computation_id', [...computationIds])
    .whereNotNull('rank')
    .groupBy('computation_id')
    .select('computation_id')
    .count('* as n');
  return new Map(rows.map((c) => [Number(c.computation_id), Number(c.n)]));
}
