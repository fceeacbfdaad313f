import * as tf from "@tensorflow/tfjs";

/** The base options every tfjs layer takes (name, inputShape, trainable, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The single tensor a one-input layer is called with. */
export function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new TypeError(`Expected one input tensor, got ${inputs.length}`);
  return inputs[0];
}

/** Makes tfjs able to rebuild these layers from a saved model.json; calling it again is harmless. */
export function registerLayers(...classes: tf.serialization.SerializableConstructor<tf.serialization.Serializable>[]): void {
  for (const c of classes) tf.serialization.registerClass(c);
}
