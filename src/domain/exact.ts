/**
 * Exact rationals (fraction.js, BigInt) and the conversions the engine needs. Nothing here goes
 * through a binary float: rule numbers are read as decimals, hundredths as integers.
 */
import Fraction from 'fraction.js';
import { type Exact, type Hundredths } from './types';

export function exact(numerator: number | bigint, denominator: number | bigint = 1n): Exact {
  return new Fraction(BigInt(numerator), BigInt(denominator));
}

export const ZERO: Exact = exact(0);
export const ONE: Exact = exact(1);
export const HUNDRED: Exact = exact(100);

/** Integer hundredths (8540) → the exact score 85.4. */
export function fromHundredths(h: Hundredths): Exact {
  return exact(BigInt(h), 100n);
}

/**
 * A rule number written in decimal (85, 0.05, 12.5, 1.96) → its exact value. Rule documents are
 * validated to hold at most `places` decimals, so the decimal reading is the one the author wrote.
 */
export function fromDecimal(value: number, places = 6): Exact {
  return exact(decimalScaled(value, places), BigInt(10 ** places));
}

/** The integer numerator of fromDecimal(value, places) before reduction: value × 10^places. */
export function decimalScaled(value: number, places = 6): bigint {
  return BigInt(Math.round(value * 10 ** places));
}

/** A 0–100 rule threshold (85, 59.5) → integer hundredths. */
export function decimalToHundredths(value: number): Hundredths {
  return Math.round(value * 100);
}

/** Sum of exact values. */
export function sum(values: readonly Exact[]): Exact {
  return values.reduce<Exact>((acc, v) => acc.add(v), ZERO);
}

/**
 * A running sum of integer ratios n/d (d > 0) over one common denominator, in BigInt: no gcd per
 * term, reduced once when read with `over`. Terms sharing the current denominator add directly.
 */
export class RatioSum {
  private numerator = 0n;
  private denominator = 1n;

  add(numerator: bigint, denominator: bigint): void {
    if (denominator === this.denominator) {
      this.numerator += numerator;
    } else {
      this.numerator = this.numerator * denominator + numerator * this.denominator;
      this.denominator *= denominator;
    }
  }

  /** The sum divided by a positive integer, exact and reduced: Σ / divisor. */
  over(divisor: bigint): Exact {
    return exact(this.numerator, this.denominator * divisor);
  }
}

/** "n/d" with the sign on the numerator; the audit form of an exact value. */
export function exactString(x: Exact): string {
  const n = x.s < 0n ? -x.n : x.n;
  return `${n}/${x.d}`;
}

export function minExact(a: Exact, b: Exact): Exact {
  return a.compare(b) <= 0 ? a : b;
}

export function maxExact(a: Exact, b: Exact): Exact {
  return a.compare(b) >= 0 ? a : b;
}
