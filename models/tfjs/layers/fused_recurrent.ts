import * as tf from "@tensorflow/tfjs";
import { type LayerArgs, oneTensor } from "./layer_args.ts";
import { tfjsSeed } from "../seed.ts";
import { projectTimeMajorFused } from "../webgpu/recurrent_projection.ts";

/** Options of a fused recurrent layer. */
export interface FusedRecurrentArgs extends LayerArgs {
  units: number;
  /** Output every step (b, L, H) rather than the last (b, H). */
  returnSequences?: boolean;
  /** Seeds the kernels' initialisers. */
  seed: number;
}

/**
 * A recurrent layer whose whole recurrence is one hand-differentiated op (see lstm_op.ts): the
 * input projection x W + b for all steps is one product, time-major, then `recurrence` runs the
 * steps. Subclasses give the gate count, the op and the bias's starting value.
 */
export abstract class FusedRecurrent extends tf.layers.Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly seed: number;
  protected kernel!: tf.LayerVariable;
  protected recurrentKernel!: tf.LayerVariable;
  protected bias!: tf.LayerVariable;
  /** On webgpu and wasm, the path the last call's recurrence took (RecurrentNote's); empty elsewhere. */
  kernels = "";
  /** Handed to the op, which says here which path it took. */
  protected readonly notePath = (path: string) => void (this.kernels = path);

  constructor(args: FusedRecurrentArgs) {
    super(args);
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
    this.seed = args.seed;
  }

  /** Gates per unit: 4 for an LSTM, 3 for a GRU. */
  protected abstract readonly gates: number;
  /** Every step's hidden state (L*b, H), time-major, from projected inputs (L*b, gates*H). */
  protected abstract recurrence(xz: tf.Tensor2D, steps: number): tf.Tensor2D;
  /** The input bias's starting value (gates*H). */
  protected abstract initialBias(): tf.Tensor1D;
  /**
   * On webgpu with the fused kernels (models/tfjs/webgpu/), and on wasm (models/tfjs/wasm/lstm_wasm.ts, gru_wasm.ts): the
   * recurrence from the unbiased projection `xw`, the bias added in the kernel, every step's state (L*b, H) time-major
   * or with `last` the last step's (b, H); undefined elsewhere.
   */
  protected abstract fusedRecurrence(xw: tf.Tensor2D, bias: tf.Tensor1D, steps: number, last: boolean): tf.Tensor2D | undefined;

  override build(shape: tf.Shape | tf.Shape[]): void {
    const features = (shape as tf.Shape)[2]!;
    const width = this.gates * this.units;
    this.kernel = this.addWeight("kernel", [features, width], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed) }));
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, width], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed + 1) }));
    this.bias = this.addWeight("bias", [width], "float32", tf.initializers.zeros());
    tf.tidy(() => void this.bias.write(this.initialBias()));
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, L] = shape as tf.Shape;
    return this.returnSequences ? [b, L, this.units] : [b, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, L, F] = x.shape;
      // on webgpu with the fused kernels, one kernel reads the window batch-major and writes x W time-major
      const kernel = this.kernel.read() as tf.Tensor2D;
      const xw = projectTimeMajorFused(x as tf.Tensor3D, kernel) ?? tf.matMul(tf.reshape(tf.transpose(x, [1, 0, 2]), [L * b, F]), kernel) as tf.Tensor2D;
      // the fused kernels add the bias and write the last step themselves: no add, slice or pad around them
      const fused = this.fusedRecurrence(xw, this.bias.read() as tf.Tensor1D, L, !this.returnSequences);
      if (fused && !this.returnSequences) return fused;
      const hs = fused ?? this.recurrence(tf.add(xw, this.bias.read()) as tf.Tensor2D, L);
      if (!this.returnSequences) return tf.slice(hs, [(L - 1) * b, 0], [b, this.units]);
      return tf.transpose(tf.reshape(hs, [L, b, this.units]), [1, 0, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, returnSequences: this.returnSequences, seed: this.seed };
  }
}
