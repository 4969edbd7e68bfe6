/**
 * Remembers which row first held each key of a file, to report a repeated key naming both rows.
 *
 * Survey response files reach 10 million rows: a Set or Map of 10M strings costs about 1 GB of
 * heap and long GC pauses. HashedKeyIndex keeps only a 64-bit hash of the key and the row number in
 * typed arrays (12 bytes a slot, load ≤ 0.75: about 200 MB for 10M keys, 24 MB for 1M). Two different
 * keys share a 64-bit hash with probability about n²/2⁶⁵ (3·10⁻⁶ for a 10M-row file); such a pair
 * would be reported as a duplicate that the person can see is not one. Small files use the exact Map.
 */
export interface KeyIndex {
  /** Records `key` at `row`; returns the earlier row that held it, or null. */
  add(key: string, row: number): number | null;
  readonly size: number;
}

export class ExactKeyIndex implements KeyIndex {
  private readonly rows = new Map<string, number>();
  add(key: string, row: number): number | null {
    const earlier = this.rows.get(key);
    if (earlier !== undefined) return earlier;
    this.rows.set(key, row);
    return null;
  }
  get size(): number {
    return this.rows.size;
  }
}

export class HashedKeyIndex implements KeyIndex {
  private capacity: number;
  private hi: Int32Array;
  private lo: Int32Array;
  /** 0 = empty slot; rows are ≥ 1. */
  private rows: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.hi = new Int32Array(this.capacity);
    this.lo = new Int32Array(this.capacity);
    this.rows = new Uint32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  add(key: string, row: number): number | null {
    // two independent 32-bit hashes over the UTF-16 code units: FNV-1a and a murmur-style mix
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c ^ key.length;
    for (let i = 0; i < key.length; i += 1) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      let k = Math.imul(c, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h2 ^= Math.imul(k, 0x1b873593);
      h2 = (h2 << 13) | (h2 >>> 19);
      h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
    }
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h2 ^= h2 >>> 16;
    h2 = Math.imul(h2, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    const earlier = this.probe(h1, h2, row);
    if (earlier === null && this.count * 4 > this.capacity * 3) this.grow();
    return earlier;
  }

  private probe(h1: number, h2: number, row: number): number | null {
    const mask = this.capacity - 1;
    let slot = h1 & mask;
    for (;;) {
      const r = this.rows[slot] as number;
      if (r === 0) {
        this.hi[slot] = h1;
        this.lo[slot] = h2;
        this.rows[slot] = row;
        this.count += 1;
        return null;
      }
      if (this.hi[slot] === h1 && this.lo[slot] === h2) return r;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo, rows } = this;
    this.capacity *= 2;
    this.hi = new Int32Array(this.capacity);
    this.lo = new Int32Array(this.capacity);
    this.rows = new Uint32Array(this.capacity);
    this.count = 0;
    for (let i = 0; i < rows.length; i += 1) {
      const r = rows[i] as number;
      if (r !== 0) this.probe(hi[i] as number, lo[i] as number, r);
    }
  }
}
