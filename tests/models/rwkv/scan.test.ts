import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { decayScan, shiftSteps, wkv } from "../../../models/rwkv/scan.ts";

const b = 2, L = 11, C = 3;
let z: tf.Tensor, w: tf.Tensor;
beforeAll(async () => {
  await selectBackend("cpu");
  z = tf.randomNormal([b, L, C], 0, 1, "float32", 1);
  w = tf.tensor1d([0.05, 0.7, 3]);
});
const at = (t: tf.Tensor) => t.arraySync() as number[][][];

describe("decayScan", () => {
  it("equals the sequential recurrence a_t = exp(-w) a_(t-1) + z_t, for a window that is not a power of two", () => {
    const got = at(decayScan(z, w)), zs = at(z), ws = w.arraySync() as number[];
    for (let i = 0; i < b; i++) {
      for (let c = 0; c < C; c++) {
        let a = 0;
        for (let t = 0; t < L; t++) {
          a = Math.exp(-ws[c]) * a + zs[i][t][c];
          expect(got[i][t][c]).toBeCloseTo(a, 4);
        }
      }
    }
  });

  it("shiftSteps moves values later in time and fills the first steps with zeros", () => {
    const x = tf.tensor3d([[[1], [2], [3]]]);
    expect(at(shiftSteps(x, 1))).toEqual([[[0], [1], [2]]]);
    expect(at(shiftSteps(x, 5))).toEqual([[[0], [0], [0]]]);
  });
});

describe("wkv", () => {
  it("is RWKV-4's weighted average: exp(k_i - (t-1-i) w) for past steps, exp(u + k_t) for the current one", () => {
    const k = tf.randomNormal([b, L, C], 0, 1, "float32", 2), v = tf.randomNormal([b, L, C], 0, 1, "float32", 3);
    const u = tf.tensor1d([0.3, -1, 0]);
    const got = at(wkv(k, v, w, u)), ks = at(k), vs = at(v), ws = w.arraySync() as number[], us = u.arraySync() as number[];
    for (let i = 0; i < b; i++) {
      for (let c = 0; c < C; c++) {
        for (let t = 0; t < L; t++) {
          let num = Math.exp(us[c] + ks[i][t][c]) * vs[i][t][c], den = Math.exp(us[c] + ks[i][t][c]);
          for (let j = 0; j < t; j++) {
            const weight = Math.exp(ks[i][j][c] - (t - 1 - j) * ws[c]);
            num += weight * vs[i][j][c], den += weight;
          }
          expect(got[i][t][c]).toBeCloseTo(num / den, 4);
        }
      }
    }
  });

  it("stays finite for keys far outside float32's exp range", () => {
    const k = tf.mul(tf.randomNormal([b, L, C], 0, 1, "float32", 4), 500);
    expect(tf.all(tf.isFinite(wkv(k, tf.onesLike(k), w, tf.zeros([C])))).dataSync()[0]).toBe(1);
  });
});
