// The few WebGPU interfaces the histogram kernel uses. models/ compiles without DOM types (and the
// DOM library has no WebGPU types anyway), so they are declared here, as narrow as the code needs.

/** GPUBufferUsage flags used here. */
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
/** GPUMapMode.READ. */
export const MAP_READ = 0x1;

/** A GPUBuffer. */
export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** A GPUComputePipeline. */
export interface GpuComputePipeline {
  getBindGroupLayout(index: number): unknown;
}

/** A GPUComputePassEncoder. */
export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A GPUCommandEncoder. */
export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(source: GpuBuffer, sourceOffset: number, destination: GpuBuffer, destinationOffset: number, size: number): void;
  finish(): unknown;
}

/** A GPUDevice: what tfjs's WebGPU backend holds as `backend.device`. */
export interface GpuDevice {
  readonly limits: { readonly maxComputeWorkgroupStorageSize: number; readonly maxStorageBufferBindingSize: number };
  readonly queue: {
    writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void;
    submit(commands: unknown[]): void;
  };
  createBuffer(descriptor: { size: number; usage: number }): GpuBuffer;
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(descriptor: { layout: unknown; entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] }): unknown;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: "validation"): void;
  popErrorScope(): Promise<{ message: string } | null>;
}
