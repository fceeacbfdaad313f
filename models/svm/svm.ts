import { z } from "zod";
import type { ModelPlugin } from "../../core/model.ts";
import { createRng } from "../../core/random.ts";
import { drawFourierMap } from "./rff.ts";
import { SvmModel } from "./svm_model.ts";

/** Multiclass linear SVM settings. */
export const SvmConfig = z.strictObject({
  /** `ovr`: one squared-hinge SVM per class; `crammer_singer`: one joint margin of the true class over the best other. */
  multiclass: z.enum(["ovr", "crammer_singer"]).default("ovr"),
  /** Inverse regularisation strength (LIBLINEAR's C): the objective is |W|^2 / 2 + C x the summed squared hinge. */
  C: z.number().positive().max(1e6).default(1),
  /** `rbf` maps the inputs to random Fourier features first, so the linear SVM approximates an RBF-kernel SVM. */
  kernel: z.enum(["linear", "rbf"]).default("linear"),
  /** RBF width in exp(-gamma |x - y|^2); "scale" is 1 / input columns (the inputs are standardised). */
  gamma: z.union([z.literal("scale"), z.number().positive().max(1e3)]).default("scale"),
  /** Random Fourier features (rbf only). */
  n_components: z.number().int().min(8).max(8192).default(512),
  /** Adam's step size on the primal objective. */
  learning_rate: z.number().positive().max(1).default(0.003),
  /** "balanced" weights each class's loss by n / (3 x its count in the training split). */
  class_weight: z.enum(["none", "balanced"]).default("none"),
});
/** SVM settings after defaults. */
export type SvmConfig = z.output<typeof SvmConfig>;

/** Multiclass linear SVM (squared hinge) on the flattened window, with calibrated probabilities (calibration.ts). */
export const svm = {
  name: "svm",
  family: "linear",
  description:
    "Multiclass linear SVM (squared hinge, one-vs-rest or Crammer-Singer) on the flattened window, optionally on random Fourier features (RBF kernel); probabilities by a softmax over margins with a temperature and class offsets fitted on validation.",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: SvmConfig,
  /** Where `mf tune` searches by default; a tune config may narrow or replace it. */
  searchSpace: {
    "params.multiclass": { type: "categorical", choices: ["ovr", "crammer_singer"] },
    "params.C": { type: "float", low: 1e-3, high: 100, log: true },
    "params.kernel": { type: "categorical", choices: ["linear", "rbf"] },
    "params.gamma": { type: "float", low: 1e-3, high: 0.1, log: true, when: { param: "params.kernel", in: ["rbf"] } },
    "params.n_components": { type: "int", low: 128, high: 1024, step: 128, when: { param: "params.kernel", in: ["rbf"] } },
    "params.learning_rate": { type: "float", low: 1e-3, high: 0.1, log: true },
  },
  create(config, shape, context) {
    const inputs = shape.seqLen * shape.nFeatures;
    const gamma = config.gamma === "scale" ? 1 / inputs : config.gamma;
    // The frequencies come from the run's seed (the fit's shuffling from its own stream of it).
    const map = config.kernel === "rbf" ? drawFourierMap({ inputs, components: config.n_components, gamma }, createRng(context.seed)) : undefined;
    return new SvmModel(inputs, map, config);
  },
  async load(files, config, shape) {
    return SvmModel.load(files, { inputs: shape.seqLen * shape.nFeatures, kernel: config.kernel });
  },
} satisfies ModelPlugin<typeof SvmConfig>;
