/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32).
 *
 * Every operation uses only integer arithmetic, `+ - * /` and `Math.sqrt`,
 * all of which IEEE 754 defines exactly, so a seed yields the same stream in
 * Node, Deno and every browser. That is why `normal()` uses its own logarithm
 * instead of `Math.log`, whose last bit may differ between JavaScript engines.
 *
 * @module
 */

/** Anything indexable that can be shuffled in place: a plain array or a typed array. */
export interface MutableArrayLike<T> {
  length: number;
  [index: number]: T;
}

/** A seeded random stream; see {@linkcode createRng}. */
export interface Rng {
  /** The next raw 32-bit unsigned integer. */
  uint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal draw (mean 0, variance 1). */
  normal(): number;
  /** A uniform integer in [0, n), without modulo bias; `n` is an integer in [1, 2^32]. */
  int(n: number): number;
  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const LN2 = 0.6931471805599453;
const SQRT_HALF = 0.7071067811865476;
const SQRT_TWO = 1.4142135623730951;

/**
 * Creates a seeded random stream. The same seed gives the same sequence on every runtime.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * const x = rng.normal();
 * const order = rng.shuffle([0, 1, 2, 3]);
 * ```
 *
 * @param seed A safe integer (negative values are allowed).
 * @throws {RangeError} When `seed` is not a safe integer.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot seed a random stream with ${seed}: expected a safe integer`);
  }
  // Fold the full 53-bit seed into the splitmix state, so seeds that differ only
  // above bit 32 still give different streams.
  let sm = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32) | 0, 0x9e3779b1);
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  // The state lives in an Int32Array, not in closure variables: where V8 compresses pointers (Chromium, not Deno), a
  // small integer holds 31 bits, so every 32-bit state value stored in a closure slot was a new heap number, and drawing
  // ran ~11x slower in a page than in the CLI (~1.3 s of a page's 8 GBDT rounds on 835,500 rows).
  const s = Int32Array.of(splitmix(), splitmix(), splitmix(), 1);
  const next = (): number => {
    const a = s[0], b = s[1], c = s[2], d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  // sfc32 recommends discarding the first outputs so the state mixes.
  for (let i = 0; i < 15; i++) next();

  const uniform = (): number => {
    const hi = next() >>> 5; // 27 bits
    const lo = next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  };

  let spare = 0;
  let hasSpare = false;
  // Marsaglia's polar method: two normals per accepted pair, no trigonometry.
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    spare = v * f;
    hasSpare = true;
    return u * f;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Cannot draw an integer below ${n}: expected an integer in [1, 2^32]`);
    }
    // Rejection keeps the draw unbiased: discard the top partial block of 2^32.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = next();
    while (x >= limit) x = next();
    return x % n;
  };

  const shuffle = <A extends MutableArrayLike<unknown>>(array: A): A => {
    for (let i = array.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  };

  return { uint32: next, uniform, normal, int, shuffle };
}

/**
 * Natural logarithm of a positive finite number using only exactly-rounded
 * arithmetic (range reduction by powers of two, then the atanh series), so it
 * returns the same bits on every engine. Accurate to about 1 ulp.
 */
export function portableLog(x: number): number {
  if (!(x > 0) || x === Infinity) {
    throw new RangeError(`Cannot take the logarithm of ${x}: expected a positive finite number`);
  }
  let e = 0;
  // Multiplying by 2 or 16 is exact, so this reduction loses nothing.
  while (x < 1.52587890625e-5) {
    x *= 65536;
    e -= 16;
  }
  while (x > 65536) {
    x /= 65536;
    e += 16;
  }
  while (x < SQRT_HALF) {
    x *= 2;
    e--;
  }
  while (x > SQRT_TWO) {
    x /= 2;
    e++;
  }
  // ln(x) = 2 atanh(s), s = (x - 1) / (x + 1), |s| <= 0.1716; terms past s^21 fall below 1 ulp.
  const s = (x - 1) / (x + 1);
  const s2 = s * s;
  const series = 1 +
    s2 *
      (1 / 3 +
        s2 *
          (1 / 5 +
            s2 *
              (1 / 7 +
                s2 *
                  (1 / 9 +
                    s2 *
                      (1 / 11 +
                        s2 * (1 / 13 + s2 * (1 / 15 + s2 * (1 / 17 + s2 * (1 / 19 + s2 * (1 / 21))))))))));
  return 2 * s * series + e * LN2;
}
