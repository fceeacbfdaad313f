import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { patchesFused, patchingFits } from "../tfjs/webgpu/patching_fused.ts";

/** Options of {@linkcode Patching}. */
export interface PatchingArgs extends LayerArgs {
  patchLen: number;
  stride: number;
}

/** Patches per channel of a window of `seqLen` steps; a RangeError when the window is shorter than a patch. */
export function patchCount(seqLen: number, patchLen: number, stride: number): number {
  if (seqLen < patchLen) throw new RangeError(`PatchTST needs a window of at least patch_len = ${patchLen} steps, got seq_len ${seqLen}`);
  return Math.floor((seqLen - patchLen) / stride) + 1;
}

/**
 * (b, L, F) -> (b, F, P, patchLen): each channel's series cut into P patches of `patchLen` steps,
 * `stride` apart, aligned so the last patch ends at the newest step (the oldest L - span steps are
 * dropped when the patches do not tile the window exactly). Channels stay independent, as in PatchTST.
 */
export class Patching extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfPatching";
  readonly patchLen: number;
  readonly stride: number;
  /** On webgpu, the path the last call took: "fused" (one gather each way) or "unfused (why)"; empty elsewhere. */
  kernels = "";
  private readonly notePath = (path: string) => void (this.kernels = path);

  constructor(args: PatchingArgs) {
    super(args);
    this.patchLen = args.patchLen;
    this.stride = args.stride;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, L, F] = shape as tf.Shape;
    return [b, F, patchCount(L!, this.patchLen, this.stride), this.patchLen];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, L, F] = x.shape;
      const P = patchCount(L, this.patchLen, this.stride);
      const first = L - ((P - 1) * this.stride + this.patchLen);
      // on webgpu one gather forward and one back (models/tfjs/webgpu/patching_fused.ts) instead of P slices and a stack
      if (patchingFits(x.size, b * F * P * this.patchLen, this.notePath)) {
        return patchesFused(x as tf.Tensor3D, { patchLen: this.patchLen, stride: this.stride, patches: P, first });
      }
      const series = tf.transpose(x, [0, 2, 1]);
      if (this.stride === this.patchLen) return tf.reshape(tf.slice(series, [0, 0, first], [b, F, P * this.patchLen]), [b, F, P, this.patchLen]);
      const patches = Array.from({ length: P }, (_, p) => tf.slice(series, [0, 0, first + p * this.stride], [b, F, this.patchLen]));
      return tf.stack(patches, 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchLen: this.patchLen, stride: this.stride };
  }
}
