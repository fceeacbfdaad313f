import * as tf from "@tensorflow/tfjs";
import { tanh } from "../tfjs/fast_kernels.ts";
import type { LayerArgs } from "../tfjs/layers/layer_args.ts";
import { tfjsSeed } from "../tfjs/seed.ts";

/** Options of {@linkcode ContextLstm}. */
export interface ContextLstmArgs extends LayerArgs {
  units: number;
  seed: number;
}

/**
 * An LSTM over (b, L, F) that starts from a given state: inputs [x, h0 (b, H), c0 (b, H)], output every
 * step's hidden state (b, L, H). The TFT starts its encoder from the static contexts. The toolkit's
 * fused LSTM starts from zeros, and tfjs's own LSTM takes the state as a call argument that its
 * model.json writer warns about on every save; this one has it as plain inputs. Gates i, f, o, g;
 * the input projection is one product for all steps, the recurrence a loop of ~12 kernels per step.
 */
export class ContextLstm extends tf.layers.Layer {
  /** Name in saved model.json files. */
  static readonly className = "MfContextLstm";
  readonly units: number;
  readonly seed: number;
  private kernel!: tf.LayerVariable;
  private recurrentKernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: ContextLstmArgs) {
    super(args);
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(shape: tf.Shape | tf.Shape[]): void {
    const F = (shape as tf.Shape[])[0][2]!, H = this.units;
    this.kernel = this.addWeight("kernel", [F, 4 * H], "float32", tf.initializers.glorotUniform({ seed: tfjsSeed(this.seed) }));
    this.recurrentKernel = this.addWeight("recurrent_kernel", [H, 4 * H], "float32", tf.initializers.orthogonal({ seed: tfjsSeed(this.seed + 1) }));
    // A forget gate open at the start lets gradients reach early steps (Jozefowicz et al., 2015).
    const bias = Float32Array.from({ length: 4 * H }, (_, k) => (k >= H && k < 2 * H ? 1 : 0));
    this.bias = this.addWeight("bias", [4 * H], "float32", tf.initializers.zeros());
    tf.tidy(() => void this.bias.write(tf.tensor1d(bias)));
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, L] = (shape as tf.Shape[])[0];
    return [b, L, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, h0, c0] = inputs as tf.Tensor[];
      const [b, L, F] = x.shape, H = this.units;
      const xz = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * L, F]), this.kernel.read()), this.bias.read()), [b, L, 4 * H]);
      const u = this.recurrentKernel.read();
      let h = h0, c = c0;
      const hs: tf.Tensor[] = [];
      for (let t = 0; t < L; t++) {
        const z = tf.add(tf.reshape(tf.slice(xz, [0, t, 0], [b, 1, 4 * H]), [b, 4 * H]), tf.matMul(h, u));
        const [i, f, o] = tf.split(tf.sigmoid(tf.slice(z, [0, 0], [b, 3 * H])), 3, 1);
        c = tf.add(tf.mul(f, c), tf.mul(i, tanh(tf.slice(z, [0, 3 * H], [b, H]))));
        h = tf.mul(o, tanh(c));
        hs.push(h);
      }
      return tf.stack(hs, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
