import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "../tfjs/layers/layer_args.ts";
import { tfjsSeed } from "../tfjs/seed.ts";
import { causalTapsFit, causalTapsFused } from "../tfjs/webgpu/causal_conv_fused.ts";

/** Options of {@linkcode CausalConv1D}. */
export interface CausalConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  dilation: number;
  seed: number;
}

/**
 * Dilated causal 1-D convolution over (b, L, C): output step t sees input steps t, t-d, ..., t-(k-1)d
 * and never a later one. The input is padded with (k-1)d zeros on the left (tfjs has no causal
 * padding), the k shifted views are stacked along channels and multiplied by one (kC, filters)
 * kernel. Written with pad/slice/matMul rather than tf.conv1d because tfjs's conv gradients reject
 * dilations above 1. On webgpu with the fused flag on the stacked taps are one gather kernel each way
 * and the product and bias one fused matMul (the same values within rounding; cpu/wasm keep this path).
 */
export class CausalConv1D extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfCausalConv1D";
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilation: number;
  readonly seed: number;
  /** On webgpu, the path the last call took: "fused" (one gather each way, one matMul with bias) or "unfused (why)"; empty elsewhere. */
  kernels = "";
  private readonly notePath = (path: string) => void (this.kernels = path);
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: CausalConvArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.dilation = args.dilation;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const channels = (shape as tf.Shape)[2]!;
    this.kernel = this.addWeight("kernel", [this.kernelSize * channels, this.filters], "float32", tf.initializers.heNormal({ seed: tfjsSeed(this.seed) }));
    this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, L] = shape as tf.Shape;
    return [b, L, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, L, C] = x.shape;
      // on webgpu the taps are one gather each way (models/tfjs/webgpu/causal_conv_fused.ts) instead of a pad, k slices
      // and a concat, and the product and bias one fused matMul; a 1x1 convolution's single tap is x itself
      if (causalTapsFit(b * L * this.kernelSize * C, this.notePath)) {
        const taps = this.kernelSize === 1
          ? tf.reshape(x, [b * L, C])
          : causalTapsFused(x as tf.Tensor3D, { kernelSize: this.kernelSize, dilation: this.dilation });
        const out = tf.fused.matMul({ a: taps as tf.Tensor2D, b: this.kernel.read() as tf.Tensor2D, bias: this.bias.read() });
        return tf.reshape(out, [b, L, this.filters]);
      }
      const pad = (this.kernelSize - 1) * this.dilation;
      const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, 0], [0, 0]]) : x;
      // Tap j reads step t - (k-1-j)d: the last tap is the current step.
      const taps = Array.from({ length: this.kernelSize }, (_, j) => tf.slice(padded, [0, j * this.dilation, 0], [b, L, C]));
      const stacked = taps.length === 1 ? taps[0] : tf.concat(taps, 2);
      const out = tf.add(tf.matMul(tf.reshape(stacked, [b * L, this.kernelSize * C]), this.kernel.read()), this.bias.read());
      return tf.reshape(out, [b, L, this.filters]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, dilation: this.dilation, seed: this.seed };
  }
}
