import * as tf from "@tensorflow/tfjs";
import { FusedRecurrent } from "../tfjs/layers/fused_recurrent.ts";
import { lstmSequence } from "./lstm_op.ts";
import { lstmLayerFused } from "../tfjs/webgpu/lstm_fused.ts";
import { lstmSequenceWasm } from "../tfjs/wasm/lstm_wasm.ts";

/** An LSTM layer (gates i, f, o, g; forget-gate bias starting at 1) running on the fused op of lstm_op.ts. */
export class FusedLstm extends FusedRecurrent {
  /** Name in saved model.json files. */
  static readonly className = "MfFusedLstm";
  protected readonly gates = 4;

  protected recurrence(xz: tf.Tensor2D, steps: number): tf.Tensor2D {
    return lstmSequence(xz, this.recurrentKernel.read() as tf.Tensor2D, steps, this.notePath);
  }

  protected fusedRecurrence(xw: tf.Tensor2D, bias: tf.Tensor1D, steps: number, last: boolean): tf.Tensor2D | undefined {
    const u = this.recurrentKernel.read() as tf.Tensor2D;
    return lstmLayerFused(xw, u, bias, steps, last, this.notePath) ?? lstmSequenceWasm(xw, u, steps, { bias, last }, this.notePath);
  }

  protected initialBias(): tf.Tensor1D {
    // A forget gate open at the start lets gradients reach early steps (Jozefowicz et al., 2015).
    const H = this.units;
    return tf.concat([tf.zeros([H]), tf.ones([H]), tf.zeros([2 * H])]) as tf.Tensor1D;
  }
}
