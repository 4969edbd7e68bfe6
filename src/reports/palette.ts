/** The colours of the lists and sources, the same in every chart, card and workbook legend. */
import { type ListKind } from '../domain/types';

export const LIST_COLORS: Record<ListKind | 'none', string> = {
  red: '#d64541',
  black: '#2f2f2f',
  watch: '#e39a2d',
  none: '#5b7db1',
};

export const SOURCE_COLORS = { resident: '#4e79a7', regulator: '#f28e2b', street: '#59a14f' } as const;

/** A firm's list colour; blue when it is on no list. */
export function listColor(list: ListKind | null): string {
  return LIST_COLORS[list ?? 'none'];
}
