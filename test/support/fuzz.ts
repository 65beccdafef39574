/**
 * Seeded generators of hostile input for the fuzz tests (test/browser/fuzz-*.test.ts). The same
 * seed gives the same frames, so a failure can be replayed: each test prints its seed, and
 * PARLEY_FUZZ_SEED sets it (test/support/wtr-hostile-json.ts hands it to the browser).
 */

/** mulberry32: a small, fast PRNG with a 32-bit state; plenty for test input. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzz {
  readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Any UTF-16 code units, lone surrogates and controls included. */
  chars(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(0x10000));
    return s;
  }

  /** A value of a random JSON type, some of them large or nested. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 7 : 9)) {
      case 0: return null;
      case 1: return this.next() < 0.5;
      case 2: return this.pick([0, -1, 1e20, -1e308, 2 ** 53 + 1, 0.5, Number.MAX_SAFE_INTEGER]);
      case 3: return this.chars(this.int(40));
      case 4: return 'x'.repeat(this.pick([0, 1, 300, 5_000, 40_000]));
      case 5: return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
      case 6: return this.pick(['<script>alert(1)</script>', 'javascript:alert(1)', '${x}', '{{x}}', '\u202eevil', '\u0000']);
      case 7: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.chars(3), this.value(depth + 1)]));
    }
  }
}

/** `[[[…]]]` nested `depth` deep: deep enough to overflow a recursive parser or walker. */
export const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
