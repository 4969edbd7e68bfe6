/**
 * SPEC §5.4 rounding: a published score is the exact value rounded half-up (四舍五入) to hundredths,
 * once, from the exact value (never from a float, never from an already rounded value).
 * Also the rounding of a share into a slice size (SPEC §5.6: floor(N × 10%)).
 */
import { type Exact, type Hundredths } from './types';
import { type SliceRounding } from './rules';
import { fromDecimal } from './exact';

/** floor(a / b) for BigInt with b > 0, correct for negative a. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Exact value → integer hundredths, half-up (half away from zero for negatives): 85.345 → 8535. */
export function roundHalfUpToHundredths(x: Exact): Hundredths {
  return roundRatioHalfUpToHundredths(x.s < 0n ? -x.n : x.n, x.d);
}

/**
 * The value numerator / denominator (denominator > 0, the pair need not be reduced) → integer
 * hundredths, half-up as above; the same result as rounding the reduced fraction.
 */
export function roundRatioHalfUpToHundredths(numerator: bigint, denominator: bigint): Hundredths {
  // |x| × 100 + 1/2, floored: (200·|n| + d) / (2·d)
  const magnitude = floorDiv(200n * (numerator < 0n ? -numerator : numerator) + denominator, 2n * denominator);
  return Number(numerator < 0n ? -magnitude : magnitude);
}

/** Exact value → integer by the slice rounding mode. */
export function roundByMode(x: Exact, mode: SliceRounding): number {
  const n = x.s < 0n ? -x.n : x.n;
  switch (mode) {
    case 'floor':
      return Number(floorDiv(n, x.d));
    case 'ceil':
      return Number(-floorDiv(-n, x.d));
    case 'round':
      return Number(floorDiv(2n * n + x.d, 2n * x.d));
  }
}

/** SPEC §5.6/5.7: slice size = rounding(N × share%) — 35 firms at 10% → 3, 40 → 4. */
export function sliceSize(rankedFirms: number, sharePercent: number, mode: SliceRounding): number {
  const size = roundByMode(fromDecimal(sharePercent, 4).mul(rankedFirms).div(100), mode);
  return Math.max(0, Math.min(rankedFirms, size));
}

/** Integer hundredths → "85.40". */
export function formatHundredths(h: Hundredths): string {
  const sign = h < 0 ? '-' : '';
  const abs = Math.abs(h);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Exact value → "85.40" (half-up). */
export function formatExact(x: Exact): string {
  return formatHundredths(roundHalfUpToHundredths(x));
}
