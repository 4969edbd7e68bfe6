/**
 * SPEC §5.11: optional grade bands (e.g. Yantai: AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, C below) mapped
 * from the published composite; with `listsFrom: 'grades'` the lists follow the grades instead of
 * the shares (red = eligible firms in the red grades, black = firms in the black grades plus vetoes).
 */
import { type Hundredths } from './types';
import { type GradeRules } from './rules';
import { decimalToHundredths } from './exact';

/** The band with the highest minimum not above the composite; null when below every band. */
export function gradeFor(composite: Hundredths, grades: GradeRules): string | null {
  let best: { grade: string; min: number } | null = null;
  for (const band of grades.bands) {
    const min = decimalToHundredths(band.min);
    if (composite >= min && (best === null || min > best.min)) best = { grade: band.grade, min };
  }
  return best === null ? null : best.grade;
}
