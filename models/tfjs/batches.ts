import * as tf from "@tensorflow/tfjs";
import type { Windows } from "../../core/data/windows.ts";
import type { InputKind } from "../../core/model.ts";
import { hostStorage } from "./host_storage.ts";

// Backends whose tensors live in GPU memory: there the split is uploaded once and batches are
// gathered on the device. On cpu and wasm, tf.gather is ~100x slower than copying the window rows
// on the host and handing tfjs the batch (bench/data.ts measures both).
const GPU_BACKENDS = new Set(["webgpu", "webgl"]);

/**
 * Gathers model-input batches of a split without materialising its windows. On wasm a batch is gathered into its
 * tensor's own heap memory; on cpu one host buffer is reused for every batch (a fresh 6.5 MB array per 256 x 60 x 107 batch cost ~4 ms of
 * allocation and zeroing); the cpu backend may keep that buffer as the tensor's storage, so a batch
 * tensor must be disposed before the next `batch` call, as every caller's tidy scope does.
 */
export class DeviceFrame {
  private readonly matrix?: tf.Tensor2D;
  private host = new Float32Array(0);
  constructor(readonly windows: Windows, private readonly input: InputKind, private readonly backendName: string) {
    const { frame } = windows;
    if (GPU_BACKENDS.has(backendName)) this.matrix = tf.tensor2d(frame.features, [frame.rows, frame.featureNames.length]);
  }

  /** Model input of the given samples: (b, L, F) for sequence models, (b, L*F) otherwise. */
  batch(samples: Int32Array): tf.Tensor {
    const { seqLen, nFeatures } = this.windows;
    const shape = this.input === "sequence" ? [samples.length, seqLen, nFeatures] : [samples.length, seqLen * nFeatures];
    if (!this.matrix && this.backendName === "wasm") {
      // gathered straight into the batch tensor's place on the heap: one 6.5 MB copy a batch less than via tf.tensor
      const { info, values } = hostStorage("wasm", tf.backend())!.make(shape, "float32");
      this.windows.gather(samples, values as Float32Array);
      return tf.engine().makeTensorFromTensorInfo(info);
    }
    if (!this.matrix) {
      const size = samples.length * seqLen * nFeatures;
      if (this.host.length < size) this.host = new Float32Array(size);
      return tf.tensor(this.windows.gather(samples, this.host.subarray(0, size)), shape, "float32");
    }
    return tf.tidy(() => tf.gather(this.matrix!, tf.tensor1d(this.windows.rowIndices(samples), "int32")).reshape(shape));
  }

  dispose(): void {
    this.matrix?.dispose();
  }
}
