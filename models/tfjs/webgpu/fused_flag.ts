import * as tf from "@tensorflow/tfjs";

/**
 * The tfjs environment flag that turns the fused WebGPU kernels (models/tfjs/webgpu/) on or off; on by default.
 * Off, training takes tfjs's own kernels, which `bench/dispatches.ts` measures beside the fused path.
 */
export const FUSED_FLAG = "MF_WEBGPU_FUSED";

// A tfjs flag rather than a module variable: kernels and layers read it where no run context reaches them,
// the browser can set it from the URL (`?tfjsflags=MF_WEBGPU_FUSED:false`), and tfjs's env is per tfjs instance.
let registered = false;
function register(): void {
  if (!registered) tf.env().registerFlag(FUSED_FLAG, () => true);
  registered = true;
}

/** Whether fused WebGPU kernels are to be used (the flag's value; true unless turned off). */
export function fusedKernels(): boolean {
  register();
  return tf.env().getBool(FUSED_FLAG);
}

/** Turns the fused WebGPU kernels on or off for what runs next. */
export function setFusedKernels(on: boolean): void {
  register();
  tf.env().set(FUSED_FLAG, on);
}

/**
 * Whether a fused kernel whose largest tensor takes `bytes` runs: on webgpu with the flag on and within the device's
 * storage binding; `note` hears "fused" or "unfused (why)" on webgpu only, `what` naming the tensor in the why.
 */
export function fusedWithinBinding(bytes: number, what: string, note?: (path: string) => void): boolean {
  if (tf.getBackend() !== "webgpu") return false;
  let why = "";
  if (!fusedKernels()) why = "fused kernels off";
  else {
    const limit = (tf.backend() as unknown as { device: { limits: { maxStorageBufferBindingSize: number } } }).device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) why = `${bytes} bytes${what ? ` of ${what}` : ""} exceed the ${limit}-byte storage binding`;
  }
  note?.(why ? `unfused (${why})` : "fused");
  return !why;
}
