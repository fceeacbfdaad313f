import * as tf from "@tensorflow/tfjs";
import type { Windows } from "../../core/data/windows.ts";
import type { InputKind } from "../../core/model.ts";

/**
 * A split's feature matrix uploaded once to the backend (GPU memory under WebGPU); batches are
 * gathered from it by row index, so windows are never materialised on the host.
 */
export class DeviceFrame {
  private readonly matrix: tf.Tensor2D;
  constructor(readonly windows: Windows, private readonly input: InputKind) {
    const { frame } = windows;
    this.matrix = tf.tensor2d(frame.features, [frame.rows, frame.featureNames.length]);
  }

  /** Model input of the given samples: (b, L*F) for flat models, (b, L, F) for sequence models, (b, F) for row models. */
  batch(samples: Int32Array): tf.Tensor {
    const { seqLen, nFeatures } = this.windows;
    return tf.tidy(() => {
      const rows = tf.tensor1d(this.windows.rowIndices(samples), "int32");
      const x = tf.gather(this.matrix, rows);
      if (this.input === "sequence") return x.reshape([samples.length, seqLen, nFeatures]);
      return x.reshape([samples.length, seqLen * nFeatures]);
    });
  }

  dispose(): void {
    this.matrix.dispose();
  }
}

/** Width of a flat model's input for a window of `seqLen` x `nFeatures`. */
export function flatWidth(seqLen: number, nFeatures: number): number {
  return seqLen * nFeatures;
}
