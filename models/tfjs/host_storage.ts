import type * as tf from "@tensorflow/tfjs";

/** A tensor's values as the cpu and wasm backends hold them. */
export type HostValues = Float32Array | Int32Array | Uint8Array;

/** How to read a tensor's values and make an output tensor on a backend that keeps its data in host memory. */
export interface HostStorage {
  /** The tensor's values themselves (a view of the wasm heap, the cpu backend's own array): writes change the tensor. */
  read(x: tf.TensorInfo): HostValues;
  /** A new tensor and a writable view of its values, filled with `fill` (left as allocated where `fill` is undefined). */
  make(shape: number[], dtype: tf.DataType, fill?: number): { info: tf.TensorInfo; values: HostValues };
}

const storages: Record<string, (backend: unknown) => HostStorage> = {
  wasm: (backend) => {
    const b = backend as { makeOutput(s: number[], d: tf.DataType): tf.TensorInfo; typedArrayFromHeap(x: tf.TensorInfo): HostValues };
    return {
      // Views into the heap; taken after any allocation, since growing the heap replaces its buffer.
      read: (x) => b.typedArrayFromHeap(x),
      make: (shape, dtype, fill) => {
        const info = b.makeOutput(shape, dtype);
        const values = b.typedArrayFromHeap(info);
        return { info, values: fill === undefined ? values : values.fill(fill) };
      },
    };
  },
  cpu: (backend) => {
    const b = backend as {
      data: { get(id: object): { values: HostValues } };
      makeTensorInfo(s: number[], d: tf.DataType, v: HostValues): tf.TensorInfo;
    };
    return {
      read: (x) => b.data.get(x.dataId).values,
      make: (shape, dtype, fill) => {
        const size = shape.reduce((p, d) => p * d, 1);
        const values = dtype === "int32" ? new Int32Array(size) : dtype === "bool" ? new Uint8Array(size) : new Float32Array(size);
        if (fill) values.fill(fill);
        return { info: b.makeTensorInfo(shape, dtype, values), values };
      },
    };
  },
};

/** The host storage of the named backend (`cpu` or `wasm`), or undefined for one whose data lives elsewhere (webgpu). */
export function hostStorage(backendName: string, backend: unknown): HostStorage | undefined {
  return storages[backendName]?.(backend);
}
