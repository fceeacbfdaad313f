import * as tf from "@tensorflow/tfjs";
import type { Windows } from "../../core/data/windows.ts";
import type { InputKind } from "../../core/model.ts";

// Backends whose tensors live in GPU memory: there the split is uploaded once and batches are
// gathered on the device. On cpu and wasm, tf.gather is ~100x slower than copying the window rows
// on the host and handing tfjs the batch (bench/data.ts measures both).
const GPU_BACKENDS = new Set(["webgpu", "webgl"]);

/** Gathers model-input batches of a split without materialising its windows. */
export class DeviceFrame {
  private readonly matrix?: tf.Tensor2D;
  constructor(readonly windows: Windows, private readonly input: InputKind) {
    const { frame } = windows;
    if (GPU_BACKENDS.has(tf.getBackend())) this.matrix = tf.tensor2d(frame.features, [frame.rows, frame.featureNames.length]);
  }

  /** Model input of the given samples: (b, L, F) for sequence models, (b, L*F) otherwise. */
  batch(samples: Int32Array): tf.Tensor {
    const { seqLen, nFeatures } = this.windows;
    const shape = this.input === "sequence" ? [samples.length, seqLen, nFeatures] : [samples.length, seqLen * nFeatures];
    if (!this.matrix) return tf.tensor(this.windows.gather(samples), shape, "float32");
    return tf.tidy(() => tf.gather(this.matrix!, tf.tensor1d(this.windows.rowIndices(samples), "int32")).reshape(shape));
  }

  dispose(): void {
    this.matrix?.dispose();
  }
}
