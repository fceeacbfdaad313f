import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../../../models/tfjs/backend.ts";
import { gemmMatMul, gemmSource } from "../../../../models/tfjs/wasm/gemm.ts";
import { GEMM_PLAIN_WASM, GEMM_WASM } from "../../../../models/tfjs/wasm/gemm_wasm.ts";
import { createRng } from "../../../../core/random.ts";

type Gemm = (...args: number[]) => void;

/** The kernels over a memory of their own, with a float32 view of it. */
function instantiate(base64: string): { gemm: Gemm; pack: Gemm; f: Float32Array } {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 });
  const { gemm, pack } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, Gemm>;
  return { gemm, pack, f: new Float32Array(memory.buffer) };
}

/** Worst |got - want| over the largest |want| of the whole result (float32 sums in another order than float64's). */
const worst = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  let err = 0, scale = 1e-30;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i])), scale = Math.max(scale, Math.abs(want[i]));
  return err / scale;
};

// M, K, N: one element; edges in every direction; exactly one block of 256 along K and one past it; many panels
const shapes = [[1, 1, 1], [3, 5, 7], [4, 256, 8], [5, 257, 9], [37, 17, 13], [8, 600, 24], [2, 1, 70]];

describe("gemm.wat", () => {
  for (const [variant, base64] of [["relaxed SIMD", GEMM_WASM], ["plain SIMD", GEMM_PLAIN_WASM]]) {
    it(`(${variant}) computes C = A B, + C or + a bias row, with either operand transposed, against a float64 product`, () => {
      const { gemm, pack, f } = instantiate(base64);
      const rng = createRng(7);
      for (const [M, K, N] of shapes) {
        for (const [ta, tb, mode] of [[false, false, "set"], [true, false, "add"], [false, true, "bias"], [true, true, "set"]] as const) {
          // C's rows 3 columns wider than N: the kernel writes N of them and leaves the rest alone
          const ldc = N + 3, a = 64, b = a + 4 * M * K, bias = b + 4 * K * N, c = bias + 4 * N, work = c + 4 * M * ldc + 64;
          for (let i = 0; i < M * K + K * N + N; i++) f[a / 4 + i] = rng.normal();
          for (let i = 0; i < M * ldc; i++) f[c / 4 + i] = mode === "add" && i % ldc < N ? rng.normal() : -7;
          const A = (m: number, k: number) => f[(a + 4 * (ta ? k * M + m : m * K + k)) / 4];
          const B = (k: number, n: number) => f[(b + 4 * (tb ? n * K + k : k * N + n)) / 4];
          const want = Float64Array.from({ length: M * ldc }, (_, i) => {
            const [m, n] = [Math.floor(i / ldc), i % ldc];
            if (n >= N) return -7;
            let sum = mode === "add" ? f[c / 4 + i] : mode === "bias" ? f[bias / 4 + n] : 0;
            for (let k = 0; k < K; k++) sum += A(m, k) * B(k, n);
            return sum;
          });
          const [ars, acs] = ta ? [4, 4 * M] : [4 * K, 4], [brs, bcs] = tb ? [4, 4 * K] : [4 * N, 4];
          // and with B packed whole beforehand (`pack`, as row shares of one product share it): the same to the bit
          const before = f.slice(c / 4, c / 4 + M * ldc), packed = work + 128 + 256 * 32 * Math.ceil(N / 8);
          gemm(a, b, c, M, K, N, ars, acs, brs, bcs, 4 * ldc, mode === "bias" ? bias : 0, mode === "add" ? 1 : 0, 0, work);
          const got = f.slice(c / 4, c / 4 + M * ldc);
          const name = `${M}x${K}x${N} ${ta ? "A^T" : "A"} ${tb ? "B^T" : "B"} ${mode}`;
          expect(worst(got, want), name).toBeLessThanOrEqual(1e-6);
          for (let i = 0; i < M * ldc; i++) if (i % ldc >= N) expect(got[i], `column ${i % ldc} of row ${Math.floor(i / ldc)}`).toBe(-7);
          f.set(before, c / 4);
          pack(b, K, N, brs, bcs, packed);
          gemm(a, b, c, M, K, N, ars, acs, brs, bcs, 4 * ldc, mode === "bias" ? bias : 0, mode === "add" ? 1 : 0, packed, work);
          expect(f.slice(c / 4, c / 4 + M * ldc), `${name}, B packed first`).toEqual(got);
        }
      }
    });
  }

  it("runs with relaxed SIMD where the runtime has it (here: Node with its flag, as Deno and Chromium)", () => {
    expect(gemmSource()).toBe(GEMM_WASM);
  });
});

describe("gemmMatMul, the wasm backend's products", () => {
  const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
  const cases: [string, () => tf.NamedTensorMap, Record<string, unknown>][] = [
    ["A B", () => ({ a: rand([37, 300], 1), b: rand([300, 13], 2) }), {}],
    ["A^T B^T", () => ({ a: rand([300, 37], 3), b: rand([13, 300], 4) }), { transposeA: true, transposeB: true }],
    ["batched, B shared by every batch", () => ({ a: rand([3, 5, 4], 5), b: rand([4, 6], 6) }), {}],
    ["batched, A shared, B^T", () => ({ a: rand([1, 5, 4], 7), b: rand([3, 6, 4], 8) }), { transposeB: true }],
    ["fused bias and relu", () => ({ a: rand([9, 11], 9), b: rand([11, 10], 10), bias: rand([10], 11) }), { activation: "relu" }],
    ["fused bias (1, N) and elu", () => ({ a: rand([9, 11], 12), b: rand([11, 10], 13), bias: rand([1, 10], 14) }), { activation: "elu" }],
    ["fused leaky relu", () => ({ a: rand([9, 11], 15), b: rand([11, 10], 16) }), { activation: "leakyrelu", leakyreluAlpha: 0.3 }],
    ["fused prelu", () => ({ a: rand([9, 11], 17), b: rand([11, 10], 18), preluActivationWeights: rand([10], 19) }), { activation: "prelu" }],
    ["fused bias and relu6", () => ({ a: rand([4, 3], 20), b: rand([3, 2], 21), bias: rand([2], 22) }), { activation: "relu6" }],
    ["K = 0 with a bias", () => ({ a: tf.zeros([4, 0]), b: tf.zeros([0, 3]), bias: rand([3], 23) }), {}],
    ["no rows", () => ({ a: tf.zeros([0, 5]), b: rand([5, 3], 24) }), {}],
  ];
  const kernelName = (inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) =>
    inputs.bias || inputs.preluActivationWeights || attrs.activation ? "_FusedMatMul" : "BatchMatMul";
  const attrsOf = (attrs: Record<string, unknown>) => ({ transposeA: false, transposeB: false, ...attrs });

  it("equal the cpu backend's kernels within 1e-6 of the result's scale, computed by gemm.wat itself", async () => {
    await selectBackend("cpu");
    const expected = cases.map(([, inputs, attrs]) =>
      tf.tidy(() => {
        const x = inputs();
        const out = tf.engine().runKernel(kernelName(x, attrs), x, attrsOf(attrs)) as tf.Tensor;
        return { shape: out.shape, values: Array.from(out.dataSync()) };
      })
    );
    await selectBackend("wasm");
    cases.forEach(([name, inputs, attrs], i) => {
      tf.tidy(() => {
        const x = inputs();
        const info = gemmMatMul({ inputs: x, backend: tf.backend(), attrs: attrsOf(attrs) as never });
        expect(info, `${name}: taken`).toBeDefined();
        const out = tf.engine().makeTensorFromTensorInfo(info!);
        expect(out.shape, name).toEqual(expected[i].shape);
        expect(worst(out.dataSync(), expected[i].values), name).toBeLessThanOrEqual(1e-6);
      });
    });
  });

  it("leaves to tfjs what it does not take: int32, batches broadcast both ways, an unknown activation", async () => {
    await selectBackend("wasm");
    tf.tidy(() => {
      const declined: [tf.NamedTensorMap, Record<string, unknown>][] = [
        [{ a: tf.ones([2, 3], "int32"), b: tf.ones([3, 2], "int32") }, {}],
        [{ a: rand([2, 1, 3, 4], 1), b: rand([1, 2, 4, 5], 2) }, {}],
        [{ a: rand([2, 3], 3), b: rand([3, 2], 4) }, { activation: "gelu_new" }],
      ];
      for (const [inputs, attrs] of declined) expect(gemmMatMul({ inputs, backend: tf.backend(), attrs: attrsOf(attrs) as never })).toBeUndefined();
    });
  });
});
