/**
 * What a recompute changed (SPEC §6: an upheld objection is followed by a correction and a
 * recompute): firm by firm, only firms whose rank, composite or list moved.
 */
import type { FirmResult, Hundredths, ListKind } from './types';

export interface ResultChange {
  uscc: string;
  name: string;
  rankBefore: number | null;
  rankAfter: number | null;
  compositeBefore: number | null;
  compositeAfter: number | null;
  listBefore: ListKind | null;
  listAfter: ListKind | null;
  /** Chinese one-liner. */
  text: string;
}

/** How a score and a list are written in the one-liner (the caller's labels, "—" for none). */
export interface ChangeWords {
  score: (h: Hundredths | null) => string;
  list: (l: ListKind | null) => string;
}

export function compareComputations(before: readonly FirmResult[], after: readonly FirmResult[], words: ChangeWords): ResultChange[] {
  const old = new Map(before.map((f) => [f.uscc, f]));
  const changes: ResultChange[] = [];
  for (const f of after) {
    const o = old.get(f.uscc);
    const rb = o?.rank ?? null;
    const cb = o?.composite ?? null;
    const lb = o?.list ?? null;
    if (rb === f.rank && cb === f.composite && lb === f.list) continue;
    const parts: string[] = [];
    if (cb !== f.composite) parts.push(`综合得分 ${words.score(cb)} → ${words.score(f.composite)}`);
    if (rb !== f.rank) parts.push(`排名 ${rb ?? '—'} → ${f.rank ?? '—'}`);
    if (lb !== f.list) parts.push(`榜单 ${words.list(lb)} → ${words.list(f.list)}`);
    changes.push({ uscc: f.uscc, name: f.name, rankBefore: rb, rankAfter: f.rank, compositeBefore: cb, compositeAfter: f.composite, listBefore: lb, listAfter: f.list, text: `${f.name}：${parts.join('，')}` });
  }
  return changes;
}
