import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../models/tfjs/backend.ts";
import { GatedActivation } from "../../../models/wavenet/gate.ts";
import { WAVENET_FEATURES, WavenetConfig, wavenetNetwork } from "../../../models/wavenet/wavenet.ts";
import { bodyUpTo, probeCausality } from "../causality.ts";

beforeAll(async () => {
  await selectBackend("cpu");
});

const L = 20, F = 3;
const build = (params: object) =>
  wavenetNetwork(WavenetConfig.parse({ residual_channels: 4, skip_channels: 4, ...params }), { seqLen: L, nFeatures: F, nClasses: 3 }, 1);

describe("WaveNet", () => {
  it("is causal: changing the input at step t changes no output before t, and changes the output at t", () => {
    const net = build({ dilations: [1, 2, 4], stacks: 2 });
    const probe = probeCausality(bodyUpTo(net, WAVENET_FEATURES), { seqLen: L, nFeatures: F });
    expect(probe.leaks).toEqual([]);
    expect(probe.reached).toEqual(Array.from({ length: L }, (_, t) => t));
    net.dispose();
  });

  it("the causality check catches a look-ahead: one centred (non-causal) convolution after the body leaks step t into t - 1", () => {
    const net = build({ dilations: [1, 2] });
    const features = net.getLayer(WAVENET_FEATURES).output as tf.SymbolicTensor;
    const centred = tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: "same", kernelInitializer: tf.initializers.ones() }).apply(features);
    const leaky = tf.model({ inputs: net.inputs, outputs: centred as tf.SymbolicTensor });
    const probe = probeCausality(leaky, { seqLen: L, nFeatures: F });
    expect(probe.leaks).toContainEqual({ t: 5, s: 4 });
    expect(probe.leaks.every(({ t, s }) => s === t - 1)).toBe(true);
    net.dispose();
  });

  it("has a receptive field of 1 + (k - 1) sum(dilations): a step that far back moves the newest output, one further does not", () => {
    const net = build({ dilations: [1, 2, 4] }); // 1 + 7 = 8 steps
    const body = bodyUpTo(net, WAVENET_FEATURES);
    const x = tf.randomNormal([1, L, F], 0, 1, "float32", 3);
    const newest = (input: tf.Tensor) => (body.predict(input) as tf.Tensor).slice([0, L - 1, 0], [1, 1, 4]).dataSync();
    const bump = (t: number) => tf.add(x, tf.oneHot(tf.tensor1d([t], "int32"), L).reshape([1, L, 1]).mul(10));
    expect(newest(bump(L - 8))).not.toEqual(newest(x));
    expect(newest(bump(L - 9))).toEqual(newest(x));
    net.dispose();
  });
});

describe("GatedActivation", () => {
  it("is tanh of the first half of the channels times the sigmoid of the second", () => {
    const z = tf.tensor3d([[[0.5, -1, 2, 0]]]);
    const out = (new GatedActivation().apply(z) as tf.Tensor).dataSync();
    expect(out[0]).toBeCloseTo(Math.tanh(0.5) / (1 + Math.exp(-2)), 6);
    expect(out[1]).toBeCloseTo(Math.tanh(-1) * 0.5, 6);
  });
});
