import type * as tf from "@tensorflow/tfjs";
import type { InputKind, InputShape, ModelContext, ModelFiles } from "../../core/model.ts";
import { registerLayers } from "./layers/layer_args.ts";
import { NetworkModel, type OptimizerSettings } from "./network_model.ts";
import { loadNetwork } from "./network_io.ts";

/** A custom layer class that a saved network's topology names. */
type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

/**
 * The `create` and `load` of a plugin whose model is a tfjs layers network trained by NetworkModel:
 * `build` makes the untrained network; `layers` are the custom layers it uses, registered before a
 * network is built or rebuilt from model.json. Spread into the plugin object.
 */
export function networkMethods<Config extends OptimizerSettings>(
  input: InputKind,
  build: (config: Config, shape: InputShape, seed: number) => tf.LayersModel,
  layers: LayerClass[] = [],
) {
  return {
    create(config: Config, shape: InputShape, context: ModelContext): NetworkModel {
      registerLayers(...layers);
      return new NetworkModel(build(config, shape, context.seed), input, config, context.backend, context.parallel);
    },
    async load(files: ModelFiles, config: Config, _shape: InputShape, context: Pick<ModelContext, "backend">): Promise<NetworkModel> {
      registerLayers(...layers);
      return new NetworkModel(await loadNetwork(files), input, config, context.backend);
    },
  };
}
