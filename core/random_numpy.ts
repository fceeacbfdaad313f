/**
 * numpy's legacy `RandomState` (the MT19937 Mersenne Twister and the draws built on it), bit for bit, so that code
 * written against it (Optuna's samplers) can be followed draw for draw. Seeding as `RandomState(seed)`: an integer
 * through init_genrand, a list through init_by_array. Doubles take 53 bits from two 32-bit words, normals use numpy's
 * legacy polar method (a cached second value), bounded integers numpy's masked rejection.
 *
 * The uniform and integer draws are exact on every engine (integer arithmetic and exact IEEE operations); the normal
 * draws go through `Math.log`, whose last bit may differ from the C library's, so they can differ from numpy's by an ulp.
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;

/** A numpy-compatible random stream; see {@linkcode numpyRandomState}. */
export interface NumpyRandomState {
  /** The next raw 32-bit word (numpy's `next_uint32`). */
  uint32(): number;
  /** `random_sample()` / `rand()`: a double in [0, 1) from two words, (a >> 5) * 2^26 + (b >> 6) over 2^53. */
  randomSample(): number;
  /** `uniform(low, high)`: low + (high - low) * random_sample(), the difference taken first as numpy does. */
  uniform(low: number, high: number): number;
  /** `standard_normal()`: the legacy polar method; each accepted pair gives two values, the second kept for the next call. */
  standardNormal(): number;
  /** `normal(loc, scale)`: loc + scale * standard_normal(). */
  normal(loc: number, scale: number): number;
  /** `randint(low, high)`: an integer in [low, high) by masked rejection; high - low at most 2^32. */
  randint(low: number, high: number): number;
  /** `choice(n, size, p=p)` as indices: uniform draws against the normalised cumulative `p`, else `randint(0, n)` each. */
  choice(n: number, size: number, p?: readonly number[]): number[];
  /** Advances the stream by `words` 32-bit words (a double takes two), as if they had been drawn. */
  skip(words: number): void;
  /** An independent copy at the same position. */
  clone(): NumpyRandomState;
}

/** Smallest all-ones mask covering `max` (numpy's gen_mask), for max < 2^32. */
function maskOf(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** init_genrand: the state numpy's `RandomState(seed)` starts from for an integer seed. */
function seedKey(key: Uint32Array, seed: number): void {
  key[0] = seed >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = key[i - 1] ^ (key[i - 1] >>> 30);
    key[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
}

/** init_by_array: the state for a list of 32-bit seeds (`RandomState([a, b, ...])`). */
function seedKeyByArray(key: Uint32Array, init: readonly number[]): void {
  seedKey(key, 19650218);
  let i = 1, j = 0;
  for (let k = Math.max(N, init.length); k > 0; k--) {
    const prev = key[i - 1] ^ (key[i - 1] >>> 30);
    key[i] = ((key[i] ^ Math.imul(prev, 1664525)) + init[j] + j) >>> 0;
    i++;
    j++;
    if (i >= N) {
      key[0] = key[N - 1];
      i = 1;
    }
    if (j >= init.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const prev = key[i - 1] ^ (key[i - 1] >>> 30);
    key[i] = ((key[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) {
      key[0] = key[N - 1];
      i = 1;
    }
  }
  key[0] = 0x80000000;
}

/** Refills the 624 words (mt19937_gen). */
function regenerate(key: Uint32Array): void {
  let i = 0;
  for (; i < N - M; i++) {
    const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  for (; i < N - 1; i++) {
    const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  const y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
  key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
}

function checkSeed(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
    throw new RangeError(`Cannot seed a numpy RandomState with ${value}: expected an integer in [0, 2^32)`);
  }
  return value;
}

/** The stream from a given MT19937 state (key words, position, cached normal). */
function fromState(key: Uint32Array, startPos: number, startGauss: number | undefined): NumpyRandomState {
  let pos = startPos;
  let gauss = startGauss;

  const uint32 = (): number => {
    if (pos >= N) {
      regenerate(key);
      pos = 0;
    }
    let y = key[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const randomSample = (): number => {
    const a = uint32() >>> 5, b = uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  const standardNormal = (): number => {
    if (gauss !== undefined) {
      const kept = gauss;
      gauss = undefined;
      return kept;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * randomSample() - 1;
      x2 = 2 * randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    gauss = f * x1;
    return f * x2;
  };
  const randint = (low: number, high: number): number => {
    const range = high - 1 - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || range < 0 || range >= TWO_POW_32) {
      throw new RangeError(`Cannot draw an integer in [${low}, ${high}): expected integers with 0 < high - low <= 2^32`);
    }
    if (range === 0) return low;
    if (range === TWO_POW_32 - 1) return low + uint32();
    const mask = maskOf(range);
    let value: number;
    do value = (uint32() & mask) >>> 0; while (value > range);
    return low + value;
  };
  const choice = (n: number, size: number, p?: readonly number[]): number[] => {
    if (!p) return Array.from({ length: size }, () => randint(0, n));
    if (p.length !== n) throw new RangeError(`Cannot choose from ${n} items with ${p.length} probabilities: expected as many`);
    // numpy: cdf = p.cumsum(); cdf /= cdf[-1]; idx = cdf.searchsorted(uniform, side="right").
    const cdf: number[] = [];
    let sum = 0;
    for (const w of p) cdf.push(sum += w);
    const last = cdf[n - 1];
    for (let i = 0; i < n; i++) cdf[i] /= last;
    return Array.from({ length: size }, () => {
      const u = randomSample();
      let lo = 0, hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] <= u) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    });
  };
  const skip = (words: number): void => {
    if (!Number.isSafeInteger(words) || words < 0) throw new RangeError(`Cannot skip ${words} words: expected a non-negative integer`);
    let left = words;
    while (left > 0) {
      if (pos >= N) {
        regenerate(key);
        pos = 0;
      }
      const step = Math.min(left, N - pos);
      pos += step;
      left -= step;
    }
  };

  return {
    uint32,
    randomSample,
    uniform: (low, high) => low + (high - low) * randomSample(),
    standardNormal,
    normal: (loc, scale) => loc + scale * standardNormal(),
    randint,
    choice,
    skip,
    clone: () => fromState(key.slice(), pos, gauss),
  };
}

/**
 * numpy's `np.random.RandomState(seed)`: an integer in [0, 2^32) or a non-empty list of them.
 * @example numpyRandomState(0).randomSample() // 0.5488135039273248, as np.random.RandomState(0).random_sample()
 */
export function numpyRandomState(seed: number | readonly number[]): NumpyRandomState {
  const key = new Uint32Array(N);
  if (typeof seed === "number") seedKey(key, checkSeed(seed));
  else {
    if (seed.length === 0) throw new RangeError("Cannot seed a numpy RandomState with an empty list: expected at least one integer");
    seedKeyByArray(key, seed.map(checkSeed));
  }
  return fromState(key, N, undefined);
}
