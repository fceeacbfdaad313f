import * as tf from "@tensorflow/tfjs";
import pkg from "../package.json" with { type: "json" };

/** Library and runtime versions recorded in every run. */
export function versions(): Record<string, string> {
  return { "model-factory": pkg.version, tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 };
}

/** The Deno platform's WebGPU entry point, when it has one. */
export function platformGpu() {
  return (navigator as Navigator & { gpu?: { requestAdapter(): Promise<null> } }).gpu;
}
