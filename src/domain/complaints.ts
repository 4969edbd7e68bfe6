/**
 * Complaints per 1,000 households (每千户投诉数), exact: the tie-break of SPEC §5.4 and the
 * thresholds of §5.8 (key supervision) and §5.9 (exit proposal).
 */
import { type Exact } from './types';
import { exact } from './exact';

export function complaintsPer1000(complaints: number, households: number): Exact | null {
  if (households <= 0) return null;
  return exact(BigInt(complaints) * 1000n, BigInt(households));
}
