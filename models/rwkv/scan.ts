import * as tf from "@tensorflow/tfjs";

/** x (b, L, C) moved `s` steps later along time: step t holds step t - s, the first s steps zeros. Causal by construction. */
export function shiftSteps(x: tf.Tensor, s: number): tf.Tensor {
  const [b, L, C] = x.shape;
  if (s >= L) return tf.zerosLike(x);
  return tf.slice(tf.pad(x, [[0, 0], [s, 0], [0, 0]]), [0, 0, 0], [b, L, C]);
}

/**
 * The linear recurrence a_t = exp(-w) a_{t-1} + z_t (a_{-1} = 0) over time for every channel, i.e.
 * a_t = sum_{i <= t} exp(-(t - i) w) z_i, with a per-channel decay w > 0 ((C) against z (b, L, C)).
 * Computed as a Hillis-Steele scan: after the round with offset s = 1, 2, 4, ... each a_t holds the
 * terms i in (t - 2s, t], so ceil(log2 L) rounds of shift, scale and add replace L sequential steps
 * (few, large kernels: what the cpu/wasm backends and a GPU both prefer). Only shifts towards later
 * steps appear, so a_t never reads a step after t.
 */
export function decayScan(z: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const L = z.shape[1]!;
    let a = z;
    for (let s = 1; s < L; s *= 2) a = tf.add(a, tf.mul(tf.exp(tf.mul(w, -s)), shiftSteps(a, s)));
    return a;
  });
}

/** Keys are clipped to +-KEY_LIMIT before exp: the sums stay finite in float32 for any window the toolkit accepts. */
const KEY_LIMIT = 20;

/**
 * RWKV-4's WKV (Peng et al., 2023) over (b, L, C): for each step t and channel, the average of the
 * values v_i (i <= t) weighted exp(k_i - (t - 1 - i) w) for i < t and exp(u + k_t) for the current
 * step, where w (C) is the learned decay and u (C) the learned bonus of the current step. The sums
 * over i < t are the scans of exp(k) v and of exp(k) shifted by one step, run as one scan over the
 * two side by side.
 */
export function wkv(k: tf.Tensor, v: tf.Tensor, w: tf.Tensor, u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ek = tf.exp(tf.clipByValue(k, -KEY_LIMIT, KEY_LIMIT));
    const now = tf.mul(tf.exp(u), ek);
    const [past, norm] = tf.split(shiftSteps(decayScan(tf.concat([tf.mul(ek, v), ek], -1), tf.concat([w, w])), 1), 2, -1);
    return tf.div(tf.add(past, tf.mul(now, v)), tf.add(norm, now));
  });
}
