// raw_dispatch.ts against a device that rejects a kernel: run by raw_dispatch.test.ts through fused_parity_check.ts
// ("raw_dispatch") under Deno on lavapipe. A case's "errors" are 0 where the behaviour holds, 1 where it does not.
import * as tf from "@tensorflow/tfjs";
import { dispatchRaw, KernelRejected } from "../../../../models/tfjs/webgpu/raw_dispatch.ts";
import type { ParityCase } from "./fused_parity.ts";

const BROKEN = {
  key: "mf_test_broken",
  // WGSL has no isnan: the device rejects the module
  code: `
    @group(0) @binding(0) var<storage, read_write> y : array<f32>;
    @compute @workgroup_size(1)
    fn main() { y[0] = select(0.0, 1.0, isnan(y[0])); }`,
};

/** A kernel with invalid WGSL: its first call records nothing useful, and once the device has said so the next call throws KernelRejected naming it. */
export async function parity(): Promise<ParityCase[]> {
  const call = () => dispatchRaw(BROKEN, { outputs: [{ shape: [1] }], workgroups: [1, 1, 1] });
  tf.engine().makeTensorFromTensorInfo(call()[0]).dispose();
  // the device's verdict arrives asynchronously: a read drains the queue and lets it land
  await tf.zeros([1]).data();
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  const named = thrown instanceof KernelRejected && thrown.key === BROKEN.key && thrown.message.includes("mf_test_broken");
  return [{ name: "invalid WGSL: the next call throws KernelRejected", errors: { not_rejected: named ? 0 : 1 } }];
}
