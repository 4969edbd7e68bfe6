/**
 * A round's ranking as the public pages show it: its lists whole, and the full ranking a page at a
 * time (100 firms a page by default), searchable by name or USCC (SPEC §7).
 */
import { getRound } from '../db/rounds-repo';
import { type RankingRow, listedFirms, rankingPage } from '../db/ranking-repo';
import { latestComputationHead } from '../db/results-repo';
import { notComputed } from './results';
import type { RoundRecord } from '../db/rounds-repo';
import type { RoundStatus } from '../domain/types';
import type { AppContext } from './context';

export const RANKING_PAGE_SIZE = 100;
export const RANKING_PAGE_SIZE_MAX = 1000;

export interface RankingView {
  code: string;
  status: RoundStatus;
  noticeEndsOn: string | null;
  rulesHash: string;
  /** Firms in the computation (ranked or not). */
  firms: number;
  red: RankingRow[];
  black: RankingRow[];
  watch: RankingRow[];
  page: { number: number; size: number; pages: number; total: number; search: string; rows: RankingRow[] };
}

/** The round and its latest computation; refused (ROUND_STATE) before the first computation. */
async function computedRound(ctx: AppContext, code: string): Promise<{ round: RoundRecord; computationId: number; rulesHash: string }> {
  const round = await getRound(ctx.knex, code);
  const head = await latestComputationHead(ctx.knex, round.id);
  if (!head) throw notComputed(round);
  return { round, computationId: head.id, rulesHash: head.rulesHash };
}

export async function rankingView(ctx: AppContext, code: string, opts: { page?: number; size?: number; search?: string | undefined } = {}): Promise<RankingView> {
  const { round, computationId, rulesHash } = await computedRound(ctx, code);
  const size = Math.min(Math.max(1, Math.trunc(opts.size ?? RANKING_PAGE_SIZE)), RANKING_PAGE_SIZE_MAX);
  const search = (opts.search ?? '').trim().slice(0, 100);
  let number = Math.max(1, Math.trunc(opts.page ?? 1));
  let page = await rankingPage(ctx.knex, computationId, { offset: (number - 1) * size, limit: size, search });
  const pages = Math.max(1, Math.ceil(page.total / size));
  if (number > pages) {
    number = pages;
    page = await rankingPage(ctx.knex, computationId, { offset: (number - 1) * size, limit: size, search });
  }
  const firms = search ? (await rankingPage(ctx.knex, computationId, { offset: 0, limit: 0 })).total : page.total;
  const listed = await listedFirms(ctx.knex, computationId);
  return {
    code: round.code,
    status: round.status,
    noticeEndsOn: round.noticeEndsOn,
    rulesHash,
    firms,
    red: listed.filter((f) => f.list === 'red'),
    black: listed.filter((f) => f.list === 'black'),
    watch: listed.filter((f) => f.list === 'watch'),
    page: { number, size, pages, total: page.total, search, rows: page.rows },
  };
}

/** Hundredths → a JSON number with at most 2 decimals, as `hhb results --json` gives it. */
const points = (h: number | null): number | null => (h === null ? null : h / 100);

/**
 * A page of the results API (SPEC §7): `{round, status, rulesHash, total, page, size, firms}`, the
 * firms as in `hhb results --json`, in rank order.
 */
export async function resultsPage(ctx: AppContext, code: string, opts: { page: number; size: number }) {
  const { round, computationId, rulesHash } = await computedRound(ctx, code);
  const size = Math.min(Math.max(1, Math.trunc(opts.size)), RANKING_PAGE_SIZE_MAX);
  const page = Math.max(1, Math.trunc(opts.page));
  const out = await rankingPage(ctx.knex, computationId, { offset: (page - 1) * size, limit: size });
  return {
    round: round.code,
    status: round.status,
    rulesHash,
    total: out.total,
    page,
    size,
    firms: out.rows.map((f) => ({
      uscc: f.uscc,
      name: f.name,
      rank: f.rank,
      composite: points(f.composite),
      scores: { resident: points(f.resident), regulator: points(f.regulator), street: points(f.street) },
      list: f.list,
      flags: f.flags,
      reasons: f.reasons,
    })),
  };
}

