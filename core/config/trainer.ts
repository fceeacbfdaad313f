import { z } from "zod";

/** The backends a run can ask for; `auto` picks WebGPU on a real adapter, else wasm, else cpu. */
export const BackendName = z.enum(["auto", "webgpu", "wasm", "cpu"]);
/** A requested backend. */
export type BackendName = z.output<typeof BackendName>;

/** Settings of the training loop shared by every model. */
export const TrainerConfig = z.strictObject({
  /** Most epochs (or boosting rounds) to run. */
  epochs: z.number().int().min(1).max(100_000).default(20),
  batch_size: z.number().int().min(1).max(1_048_576).default(256),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** Epochs without a validation-loss improvement of at least `min_delta` before stopping; 0 turns early stopping off. */
  patience: z.number().int().min(0).max(100_000).default(5),
  min_delta: z.number().min(0).default(1e-4),
  /** Put back the weights of the best validation epoch when training ends. */
  restore_best: z.boolean().default(true),
  /** Save the model to the run each time validation loss improves, so a killed run keeps its best model. */
  checkpoint: z.boolean().default(true),
  backend: BackendName.default("auto"),
});
/** Trainer settings after defaults. */
export type TrainerConfig = z.output<typeof TrainerConfig>;
