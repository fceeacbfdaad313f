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

/** Loads a model saved by saveNetwork; a missing or malformed file is an error naming it. */
export async function loadNetwork(files: ModelFiles): Promise<tf.LayersModel> {
  for (const name of [MODEL_JSON, WEIGHTS]) if (!files[name]) throw new Error(`Model file ${name} is missing`);
  const json = JSON.parse(new TextDecoder().decode(files[MODEL_JSON])) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = files[WEIGHTS];
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData }));
}
