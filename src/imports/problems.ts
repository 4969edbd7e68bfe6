/**
 * The problems found in one import file, gathered by every stage (opening, header, rows): each with
 * its row, column and worksheet, the first MAX_LISTED_PROBLEMS listed, and one Chinese error at the end.
 */
import { DomainError, type FieldProblem } from '../domain/errors';

/** The DomainError lists this many problems, then one line "…另有 N 处错误". */
export const MAX_LISTED_PROBLEMS = 1000;

export class Problems {
  readonly list: FieldProblem[] = [];
  total = 0;
  /** The worksheet being read (XLSX): named in every problem and in the summary message. */
  sheet: string | null = null;
  add(row: number | null, column: string | null, message: string, letter?: string): void {
    this.total += 1;
    if (this.list.length < MAX_LISTED_PROBLEMS) {
      const problem: FieldProblem = { row, column, message };
      if (this.sheet !== null) problem.sheet = this.sheet;
      if (letter !== undefined) problem.letter = letter;
      this.list.push(problem);
    }
  }
  throwIfAny(): void {
    if (this.total === 0) return;
    const details = [...this.list];
    if (this.total > this.list.length) details.push({ row: null, column: null, message: `…另有 ${this.total - this.list.length} 处错误` });
    const where = this.sheet === null ? '文件' : `文件（工作表「${this.sheet}」）`;
    throw new DomainError('IMPORT_INVALID', `${where}有 ${this.total} 处错误`, details);
  }
}
