import type { ModelPlugin } from "../core/model.ts";
import { createRegistry } from "../core/registry.ts";
import { logistic } from "./logistic/logistic.ts";
import { mlp } from "./mlp/mlp.ts";

/** Every model the toolkit ships, listed explicitly: adding a model is adding it here. */
export const plugins: readonly ModelPlugin[] = [logistic, mlp];

/** The registry built from `plugins`. */
export const registry = createRegistry(plugins);
