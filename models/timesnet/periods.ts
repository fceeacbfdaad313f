import * as tf from "@tensorflow/tfjs";
import { rfft } from "../tfjs/spectral.ts";

/** The period of each frequency f = 1 .. floor(T/2) of a T-step window, floor(T / f), and the distinct periods, longest first. */
export function candidatePeriods(T: number): { ofFrequency: number[]; distinct: number[] } {
  const ofFrequency = Array.from({ length: Math.floor(T / 2) }, (_, i) => Math.floor(T / (i + 1)));
  return { ofFrequency, distinct: [...new Set(ofFrequency)] };
}

/**
 * Amplitudes of frequencies 1 .. floor(T/2) of every prefix of x (b, T, C), averaged over channels:
 * (b, T_t, floor(T/2)), row t the T-point DFT of steps <= t (later steps zeroed, so they enter as exact
 * zeros). TimesNet reads the periods of a series from these; per prefix, step t's choice sees only its past.
 */
export function prefixAmplitudes(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [, T] = x.shape;
    const mask = tf.reshape(tf.linalg.bandPart(tf.ones([T!, T!]), -1, 0), [1, T!, 1, T!]);
    const { re, im } = rfft(tf.mul(tf.expandDims(tf.transpose(x, [0, 2, 1]), 1), mask), T!); // (b, T_t, C, T/2+1)
    // sqrt(. + eps): the gradient of |z| is finite at 0 (an all-zero prefix)
    const amplitude = tf.mean(tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), 1e-12)), 2);
    return tf.slice(amplitude, [0, 0, 1], [-1, -1, Math.floor(T! / 2)]);
  });
}

/** 0/1 (b, T, F) marking, per step, the k largest of its F scores (ties may mark more); step() has a zero gradient. */
export function topKMask(scores: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const larger = tf.sum(tf.step(tf.sub(tf.expandDims(scores, -2), tf.expandDims(scores, -1))), -1);
    return tf.step(tf.sub(k - 0.5, larger));
  });
}
