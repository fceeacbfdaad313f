import * as tf from "@tensorflow/tfjs";
import { tfjsSeed } from "../seed.ts";
import { type LayerArgs, oneTensor } from "./layer_args.ts";

/** Options of an attention layer with heads. */
export interface AttentionArgs extends LayerArgs {
  heads: number;
  /** Seeds the projections' initialisers. */
  seed: number;
}

/** A weight of an attention layer: its saved name, its shape, and its glorot seed's offset from the layer's seed (none: zeros, a bias). */
export type AttentionWeight = [name: string, shape: number[], seedOffset?: number];

/** An attention layer's own settings, saved by getConfig in this order; `heads` is absent for a layer without heads. */
export type AttentionOptions = { seed: number; [setting: string]: number };

/**
 * What the self-attention layers here share (MultiHeadAttention, Informer's ProbSparse, Autoformer's
 * auto-correlation, the TFT's interpretable attention): settings saved in model.json, weights built
 * from a list (by default the fused query/key/value and output projections with biases), projections
 * by saved weight name, heads split and merged, scaled scores, and an output shaped as the input.
 * A subclass keeps its className (saved models name it) and writes only its own `attend`.
 */
export abstract class AttentionLayer extends tf.layers.Layer {
  /** Heads: the width is split into this many; 1 for a layer without heads. */
  readonly heads: number;
  /** Seeds the projections' initialisers (seed + each weight's offset). */
  readonly seed: number;
  /** The built weights by saved name. */
  protected readonly w: Record<string, tf.LayerVariable> = {};
  private readonly settings: AttentionOptions;

  constructor(args: LayerArgs, settings: AttentionOptions) {
    super(args);
    this.settings = settings;
    this.heads = settings.heads ?? 1;
    this.seed = settings.seed;
  }

  /** The weights for width d and head width dh, in saved order: by default qkv_kernel, qkv_bias, out_kernel, out_bias. */
  protected weightList(d: number, _dh: number): AttentionWeight[] {
    return [["qkv_kernel", [d, 3 * d], 0], ["qkv_bias", [3 * d]], ["out_kernel", [d, d], 1], ["out_bias", [d]]];
  }

  /** The layer's own computation on one input (..., T, d), inside a tidy. */
  protected abstract attend(x: tf.Tensor): tf.Tensor;

  override build(shape: tf.Shape | tf.Shape[]): void {
    const d = (shape as tf.Shape).at(-1)!;
    if (d % this.heads !== 0) throw new RangeError(`Attention width ${d} is not divisible by ${this.heads} heads`);
    for (const [name, dims, offset] of this.weightList(d, d / this.heads)) {
      const init = offset === undefined ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + offset) });
      this.w[name] = this.addWeight(name, dims, "float32", init);
    }
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return shape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.attend(oneTensor(inputs)));
  }

  /** x (..., T, d) as (n T, d) rows, n the product of the leading axes. */
  protected rowsOf(x: tf.Tensor): { rows: tf.Tensor; n: number; T: number; d: number } {
    const d = x.shape.at(-1)!, T = x.shape.at(-2)!, n = x.size / (T * d);
    return { rows: tf.reshape(x, [n * T, d]), n, T, d };
  }

  /** rows times the weight `<name>_kernel`, plus `<name>_bias` where the layer has one. */
  protected project(rows: tf.Tensor, name: string): tf.Tensor {
    const product = tf.matMul(rows, this.w[`${name}_kernel`].read());
    const bias = this.w[`${name}_bias`];
    return bias ? tf.add(product, bias.read()) : product;
  }

  /** (n T, H dh) rows -> (n, H, T, dh): one sequence per (sample, head). */
  protected splitHeads(rows: tf.Tensor, n: number, T: number): tf.Tensor {
    return tf.transpose(tf.reshape(rows, [n, T, this.heads, rows.shape[1]! / this.heads]), [0, 2, 1, 3]);
  }

  /** (n, H, T, dh) -> (n T, H dh) rows, the heads side by side. */
  protected mergeHeads(heads: tf.Tensor): tf.Tensor {
    const [n, H, T, dh] = heads.shape;
    return tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [n * T, H * dh]);
  }

  /** Scaled dot products q k^T / sqrt(dh) of (..., T, dh) queries and keys: (..., T, T). */
  protected scores(q: tf.Tensor, k: tf.Tensor): tf.Tensor {
    return tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(q.shape.at(-1)!));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.settings };
  }
}
