/**
 * The published ranking read a page at a time: the rows a ranking page or the paged results API
 * shows (rank, firm, composite, the three sources, list, flags and reasons), never the firms'
 * explanations, so a 20,000-firm round reads as fast as a city's. Search by part of the name or
 * the start of the USCC.
 */
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface RankingRow {
  rank: number | null;
  uscc: string;
  name: string;
  /** Hundredths of a point. */
  composite: number | null;
  resident: number | null;
  regulator: number | null;
  street: number | null;
  list: 'red' | 'black' | 'watch' | null;
  /** The first of the firm's reasons (why it is where it is), or null. */
  reason: string | null;
  flags: string[];
  reasons: string[];
}

/** A row as the drivers return it: the JSON columns parsed (PostgreSQL) or as text (some drivers). */
type Row = Omit<RankingRow, 'reason' | 'flags' | 'reasons'> & { flags: string[] | string; reasons: string[] | string };

const fromJson = (v: string[] | string): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : v);

const toRow = (r: Row): RankingRow => ({
  ...r,
  uscc: r.uscc.trim(),
  reason: fromJson(r.reasons)[0] ?? null,
  flags: fromJson(r.flags),
  reasons: fromJson(r.reasons),
});

function rows(db: Db, computationId: number) {
  return db('results')
    .where({ computation_id: computationId })
    .select('rank', 'uscc', 'name', 'composite', 'resident', 'regulator', 'street', 'list', 'flags', 'reasons')
    .orderByRaw('rank is null, rank, composite desc nulls last, uscc');
}

/** Escapes LIKE's wildcards in what a person typed. */
const likeText = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of the ranking, optionally only the firms whose name contains `search` or whose USCC starts with it. */
export async function rankingPage(db: Db, computationId: number, opts: { offset: number; limit: number; search?: string | undefined }): Promise<{ total: number; rows: RankingRow[] }> {
  const filter = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
    const search = opts.search?.trim();
    if (!search) return q;
    return q.where((w) => w.where('name', 'like', `%${likeText(search)}%`).orWhere('uscc', 'like', `${likeText(search.toUpperCase())}%`));
  };
  const [count] = (await filter(db('results').where({ computation_id: computationId })).count({ n: '*' })) as { n: number | string }[];
  if (opts.limit <= 0) return { total: Number(count?.n ?? 0), rows: [] };
  const page = (await filter(rows(db, computationId)).offset(opts.offset).limit(opts.limit)) as Row[];
  return { total: Number(count?.n ?? 0), rows: page.map(toRow) };
}

/** The firms on a list (red, black or watch), in rank order. */
export async function listedFirms(db: Db, computationId: number): Promise<RankingRow[]> {
  return ((await rows(db, computationId).whereNotNull('list')) as Row[]).map(toRow);
}
