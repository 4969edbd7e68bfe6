/**
 * How many firms each list holds (red, black, watch), as the compute's audit record and answer report it.
 */
import type { ListKind } from './types';

export type ListCounts = Record<ListKind, number>;

export function countLists(firms: readonly { list: ListKind | null }[]): ListCounts {
  const counts: ListCounts = { red: 0, black: 0, watch: 0 };
  for (const f of firms) if (f.list) counts[f.list] += 1;
  return counts;
}
