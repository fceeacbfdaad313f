/**
 * The seed handed to a tfjs initializer or random op for one of the toolkit's seeds.
 *
 * tfjs-core's Gaussian draws (randomNormal, truncatedNormal: the normal, heNormal, orthogonal and
 * truncatedNormal initializers) take a seed of 0 as "no seed" (`seed ? seed : Math.random()`), so a
 * layer whose derived seed is exactly 0 would start differently on every run. 0 becomes -1: the
 * toolkit's seeds are never negative (the trainer's seed is 0..2^31-1 and layers add offsets), so
 * -1 is no other seed's stand-in, and every other seed is handed on as it is, which keeps the weights
 * of runs made before this mapping.
 *
 * @example
 * tf.initializers.heNormal({ seed: tfjsSeed(seed + i) });
 */
export function tfjsSeed(seed: number): number {
  return seed === 0 ? -1 : seed;
}
