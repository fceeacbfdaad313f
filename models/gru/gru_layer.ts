import * as tf from "@tensorflow/tfjs";
import { FusedRecurrent } from "../tfjs/layers/fused_recurrent.ts";
import { gruSequence } from "./gru_op.ts";
import { gruLayerFused } from "../tfjs/webgpu/gru_fused.ts";
import { gruSequenceWasm } from "../tfjs/wasm/gru_wasm.ts";

/** A GRU layer ("reset after", gates r, z, n) running on the fused op of gru_op.ts. */
export class FusedGru extends FusedRecurrent {
  /** Name in saved model.json files. */
  static readonly className = "MfFusedGru";
  protected readonly gates = 3;
  private recurrentBias!: tf.LayerVariable;

  override build(shape: tf.Shape | tf.Shape[]): void {
    super.build(shape);
    this.recurrentBias = this.addWeight("recurrent_bias", [3 * this.units], "float32", tf.initializers.zeros());
  }

  protected recurrence(xz: tf.Tensor2D, steps: number): tf.Tensor2D {
    return gruSequence(xz, this.recurrentKernel.read() as tf.Tensor2D, this.recurrentBias.read() as tf.Tensor1D, steps, this.notePath);
  }

  protected fusedRecurrence(xw: tf.Tensor2D, bias: tf.Tensor1D, steps: number, last: boolean): tf.Tensor2D | undefined {
    const u = this.recurrentKernel.read() as tf.Tensor2D, bh = this.recurrentBias.read() as tf.Tensor1D;
    return gruLayerFused(xw, u, bh, bias, steps, last, this.notePath) ?? gruSequenceWasm(xw, u, steps, { bias, bh, last }, this.notePath);
  }

  protected initialBias(): tf.Tensor1D {
    return tf.zeros([3 * this.units]);
  }
}
