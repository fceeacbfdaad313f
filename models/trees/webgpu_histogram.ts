/**
 * Node histograms on the GPU: a WGSL kernel where each workgroup takes a chunk of the node's rows
 * and a group of features, accumulates that block's histogram with atomic adds in workgroup memory,
 * and writes it out; a second kernel merges the chunks in a fixed order. The CPU then finds splits
 * exactly as with its own histograms. Sums are float32 on the GPU (float64 on the CPU), so results
 * agree within float rounding, not to the bit; for the same reason both children of a split are
 * built here rather than one subtracted from the parent (see HistogramBuilder.subtracts).
 */
import type { BinnedColumns, BuildJob, HistogramBuilder } from "./histogram.ts";
import { HIST_BINS } from "./split.ts";
import { BufferUsage, type GpuBuffer, type GpuComputePipeline, type GpuDevice, MAP_READ } from "./webgpu_types.ts";

const WORKGROUP = 256;
/** Rows per workgroup at least; fewer chunks means less merging, more means more parallel workgroups. */
const MIN_CHUNK = 2048;

// WGSL has no float atomics: add by compare-and-swap on the bits, which is what "atomic add" means here.
const shader = (channels: number, featureGroup: number) => /* wgsl */ `
struct Params { count: u32, nf: u32, chunk: u32, words: u32, chunks: u32, order_at: u32, feats_at: u32, out_at: u32 }
@group(0) @binding(0) var<storage, read> bins: array<u32>;
@group(0) @binding(1) var<storage, read> stats: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> feats: array<u32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;
@group(0) @binding(6) var<storage, read_write> merged: array<f32>;

const C = ${channels}u;
const FG = ${featureGroup}u;
const SLOTS = ${featureGroup * HIST_BINS * channels}u;
var<workgroup> local: array<atomic<u32>, SLOTS>;

fn add(slot: u32, v: f32) {
  var old = atomicLoad(&local[slot]);
  loop {
    let r = atomicCompareExchangeWeak(&local[slot], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}

@compute @workgroup_size(${WORKGROUP})
fn histogram(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  for (var s = t; s < SLOTS; s += ${WORKGROUP}u) { atomicStore(&local[s], 0u); }
  workgroupBarrier();
  let f0 = wg.y * FG;
  let end = min((wg.x + 1u) * params.chunk, params.count);
  for (var k = wg.x * params.chunk + t; k < end; k += ${WORKGROUP}u) {
    let i = order[params.order_at + k];
    for (var j = 0u; j < FG && f0 + j < params.nf; j++) {
      let b = (bins[feats[params.feats_at + f0 + j] * params.words + i / 4u] >> ((i % 4u) * 8u)) & 0xffu;
      for (var c = 0u; c < C; c++) { add((j * 256u + b) * C + c, stats[i * C + c]); }
    }
  }
  workgroupBarrier();
  for (var s = t; s < SLOTS; s += ${WORKGROUP}u) {
    let slot = f0 + s / (256u * C);
    if (slot < params.nf) { partial[(wg.x * params.nf + slot) * 256u * C + s % (256u * C)] = bitcast<f32>(atomicLoad(&local[s])); }
  }
}

@compute @workgroup_size(${WORKGROUP})
fn merge(@builtin(global_invocation_id) id: vec3u) {
  let size = params.nf * 256u * C;
  if (id.x >= size) { return; }
  var sum = 0.0;
  for (var ch = 0u; ch < params.chunks; ch++) { sum += partial[ch * size + id.x]; }
  merged[params.out_at + id.x] = sum;
}
`;

/** Histograms on a WebGPU device (e.g. tfjs's, when its backend is webgpu); create with `GpuHistogram.create`. */
export class GpuHistogram implements HistogramBuilder {
  readonly subtracts = false;

  private constructor(
    private readonly device: GpuDevice,
    private readonly data: BinnedColumns,
    private readonly pipelines: { histogram: GpuComputePipeline; merge: GpuComputePipeline },
    private readonly buffers:
      & Record<"bins" | "stats" | "order" | "partial", GpuBuffer>
      & Partial<Record<"feats" | "params" | "merged" | "readback", GpuBuffer>>,
    private readonly featureGroup: number,
    /** Rows per workgroup: enough that every chunk's histogram fits the partial buffer. */
    private readonly chunk: number,
  ) {}

  /** Compiles the kernels and uploads the bins; fails with the device's message when WebGPU rejects them. */
  static async create(device: GpuDevice, data: BinnedColumns): Promise<GpuHistogram> {
    const { rows, cols, channels: C } = data;
    const featureGroup = Math.floor(Math.min(device.limits.maxComputeWorkgroupStorageSize, 16384) / (HIST_BINS * C * 4));
    if (featureGroup < 1) {
      throw new RangeError(
        `A WebGPU histogram of ${C} channels needs ${
          HIST_BINS * C * 4
        } bytes of workgroup memory; the device has ${device.limits.maxComputeWorkgroupStorageSize}`,
      );
    }
    const words = Math.ceil(rows / 4);
    const packed = new Uint8Array(cols * words * 4);
    for (let f = 0; f < cols; f++) packed.set(data.bins.subarray(f * rows, (f + 1) * rows), f * words * 4);
    const histBytes = cols * HIST_BINS * C * 4;
    const maxChunks = Math.max(1, Math.min(Math.ceil(rows / MIN_CHUNK), Math.floor(device.limits.maxStorageBufferBindingSize / histBytes)));
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: shader(C, featureGroup) });
    const pipelines = {
      histogram: device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "histogram" } }),
      merge: device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "merge" } }),
    };
    const storage = (size: number) => device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    const buffers = { bins: storage(packed.byteLength), stats: storage(rows * C * 4), order: storage(rows * 4), partial: storage(maxChunks * histBytes) };
    device.queue.writeBuffer(buffers.bins, 0, packed);
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU rejected the histogram kernel: ${error.message}`);
    return new GpuHistogram(device, data, pipelines, buffers, featureGroup, Math.max(MIN_CHUNK, Math.ceil(rows / maxChunks)));
  }

  setTree(stats: Float32Array): void {
    this.device.queue.writeBuffer(this.buffers.stats, 0, stats);
  }

  /** All jobs in one submission and one read back (a round trip to the GPU costs more than a small histogram), in as few batches as the output buffer allows. */
  async build(jobs: readonly BuildJob[]): Promise<void> {
    const perFeature = HIST_BINS * this.data.channels * 4, limit = this.device.limits.maxStorageBufferBindingSize;
    let batch: BuildJob[] = [], bytes = 0;
    for (const job of jobs.filter((j) => j.end > j.start && j.features.length > 0)) {
      if (batch.length > 0 && bytes + job.features.length * perFeature > limit) {
        await this.buildBatch(batch);
        [batch, bytes] = [[], 0];
      }
      batch.push(job);
      bytes += job.features.length * perFeature;
    }
    if (batch.length > 0) await this.buildBatch(batch);
  }

  private async buildBatch(work: BuildJob[]): Promise<void> {
    const { device, buffers } = this;
    const C = this.data.channels, slot = HIST_BINS * C;
    const rows = work.reduce((n, j) => n + j.end - j.start, 0), nf = work.reduce((n, j) => n + j.features.length, 0);
    if (rows > this.data.rows) throw new RangeError(`GPU histogram jobs hold ${rows} rows, more than the ${this.data.rows} uploaded`);
    const order = new Uint32Array(rows), feats = new Uint32Array(nf), params = new Uint32Array(work.length * 64);
    let orderAt = 0, featsAt = 0;
    work.forEach((j, k) => {
      const count = j.end - j.start;
      order.set(j.order.subarray(j.start, j.end), orderAt);
      feats.set(j.features, featsAt);
      params.set(
        [count, j.features.length, this.chunk, Math.ceil(this.data.rows / 4), Math.ceil(count / this.chunk), orderAt, featsAt, featsAt * slot],
        k * 64,
      );
      orderAt += count;
      featsAt += j.features.length;
    });
    this.ensure("feats", nf * 4, BufferUsage.STORAGE | BufferUsage.COPY_DST);
    this.ensure("params", params.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    this.ensure("merged", nf * slot * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC);
    this.ensure("readback", nf * slot * 4, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
    device.queue.writeBuffer(buffers.order, 0, order);
    device.queue.writeBuffer(buffers.feats!, 0, feats);
    device.queue.writeBuffer(buffers.params!, 0, params);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    const bind = (name: "histogram" | "merge", k: number) => {
      const names = name === "histogram" ? ["bins", "stats", "order", "feats", "partial"] as const : ["partial", "merged"] as const;
      const entries = [
        ...names.map((b) => ({ binding: BINDINGS[b], resource: { buffer: buffers[b]! } })),
        { binding: BINDINGS.params, resource: { buffer: buffers.params!, offset: k * 256, size: 32 } },
      ];
      pass.setPipeline(this.pipelines[name]);
      pass.setBindGroup(0, device.createBindGroup({ layout: this.pipelines[name].getBindGroupLayout(0), entries }));
    };
    // Dispatches in one pass run in order with their storage writes visible to the next, so jobs can share the partial buffer.
    work.forEach((j, k) => {
      bind("histogram", k);
      pass.dispatchWorkgroups(Math.ceil((j.end - j.start) / this.chunk), Math.ceil(j.features.length / this.featureGroup));
      bind("merge", k);
      pass.dispatchWorkgroups(Math.ceil((j.features.length * slot) / WORKGROUP));
    });
    pass.end();
    encoder.copyBufferToBuffer(buffers.merged!, 0, buffers.readback!, 0, nf * slot * 4);
    device.queue.submit([encoder.finish()]);
    await buffers.readback!.mapAsync(MAP_READ);
    const sums = new Float32Array(buffers.readback!.getMappedRange(), 0, nf * slot);
    let at = 0;
    for (const j of work) {
      const size = j.features.length * slot;
      for (let k = 0; k < size; k++) j.hist[k] += sums[at + k];
      at += size;
    }
    buffers.readback!.unmap();
  }

  dispose(): void {
    for (const buffer of Object.values(this.buffers)) buffer?.destroy();
  }

  /** Grows a buffer that depends on the jobs' size. */
  private ensure(name: "feats" | "params" | "merged" | "readback", bytes: number, usage: number): void {
    if ((this.buffers[name]?.size ?? 0) >= bytes) return;
    // Room to grow by doubling, within the binding limit.
    const size = Math.max(
      Math.ceil(bytes / 4) * 4,
      Math.min(256 * 2 ** Math.ceil(Math.log2(Math.max(bytes, 256) / 256)), this.device.limits.maxStorageBufferBindingSize),
    );
    this.buffers[name]?.destroy();
    this.buffers[name] = this.device.createBuffer({ size, usage });
  }
}

const BINDINGS = { bins: 0, stats: 1, order: 2, feats: 3, partial: 4, params: 5, merged: 6 } as const;
