import * as tf from "@tensorflow/tfjs";
import type { ModelFiles } from "../../core/model.ts";

const MODEL_JSON = "model.json";
const WEIGHTS = "weights.bin";

/** Saves a tfjs layers model as the standard model.json + weights.bin pair. */
export async function saveNetwork(net: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await net.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData;
    const weights = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
    const json = {
      format: "layers-model",
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS], weights: artifacts.weightSpecs }],
    };
    files = { [MODEL_JSON]: new TextEncoder().encode(JSON.stringify(json)), [WEIGHTS]: new Uint8Array(weights) };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return files!;
}

/** Loads a model saved by saveNetwork; a missing, malformed or truncated file is an error naming it. */
export async function loadNetwork(files: ModelFiles): Promise<tf.LayersModel> {
  for (const name of [MODEL_JSON, WEIGHTS]) if (!files[name]) throw new Error(`Model file ${name} is missing`);
  let json: { modelTopology?: object; weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(new TextDecoder().decode(files[MODEL_JSON]));
  } catch (cause) {
    throw new Error(`${MODEL_JSON} is not valid JSON (${(cause as Error).message})`);
  }
  if (!json || typeof json !== "object" || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${MODEL_JSON} is not a tfjs layers model: it needs "modelTopology" and "weightsManifest"`);
  }
  const weightSpecs = json.weightsManifest.flatMap((m) => m.weights);
  const weights = files[WEIGHTS];
  const needed = weightBytes(weightSpecs);
  // tfjs reads past the end of a short buffer with a RangeError that names no file; a longer one is another model's
  if (needed !== undefined && needed !== weights.byteLength) {
    throw new Error(
      `${WEIGHTS} holds ${weights.byteLength} bytes but ${MODEL_JSON}'s weights manifest needs ${needed}: the file is ${
        weights.byteLength < needed ? "truncated" : "not this model's"
      }`,
    );
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the manifest's weights take in the weights file; undefined when a dtype has no fixed size (strings). */
function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const size = DTYPE_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined || !Array.isArray(spec.shape)) return undefined;
    total += spec.shape.reduce((n, d) => n * d, 1) * size;
  }
  return total;
}
