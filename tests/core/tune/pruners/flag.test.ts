import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../core/errors.ts";
import { MEDIAN_DEFAULTS, parsePrunerFlag } from "../../../../core/tune/pruners/flag.ts";
import { makePruner } from "../../../../core/tune/pruners/make.ts";
import type { FrozenTrial } from "../../../../core/tune/sampler.ts";

const trial = (number: number, state: FrozenTrial["state"], values: number[]): FrozenTrial => ({
  number,
  state,
  params: {},
  intermediate: Object.fromEntries(values.map((v, k) => [k, v])),
  ...(state === "complete" ? { value: values[values.length - 1] } : {}),
});

describe("parsePrunerFlag", () => {
  it("median alone is Optuna's MedianPruner with mf tune's warm-up", () => {
    expect(parsePrunerFlag("median")).toEqual({
      name: "median",
      n_startup_trials: 5,
      n_warmup_steps: MEDIAN_DEFAULTS.n_warmup_steps,
      interval_steps: 1,
      n_min_trials: 1,
    });
    expect(MEDIAN_DEFAULTS.n_warmup_steps).toBeGreaterThan(0);
  });
  it("takes key=value options over the defaults, for median and asha", () => {
    expect(parsePrunerFlag("median:n_warmup_steps=0, n_startup_trials=10")).toMatchObject({ name: "median", n_warmup_steps: 0, n_startup_trials: 10 });
    expect(parsePrunerFlag("asha:min_resource=2,reduction_factor=3")).toMatchObject({ name: "asha", min_resource: 2, reduction_factor: 3 });
    expect(parsePrunerFlag("none")).toBeNull();
  });
  it("the warm-up it sets keeps the pruner from deciding before that step", () => {
    const done = [0, 1, 2, 3, 4].map((n) => trial(n, "complete", [0.5, 0.5, 0.5, 0.5, 0.5]));
    const worse = trial(5, "running", [0.1]);
    expect(makePruner(parsePrunerFlag("median:n_warmup_steps=0")!).prune(done, worse, "maximize")).toBe(true);
    const warm = makePruner(parsePrunerFlag("median:n_warmup_steps=3")!);
    expect(warm.prune(done, worse, "maximize")).toBe(false);
    expect(warm.prune(done, trial(5, "running", [0.1, 0.1, 0.1, 0.1]), "maximize")).toBe(true); // step 3 is past the warm-up
  });
  it("rejects an unknown pruner, a malformed or unknown option and options on none, naming them", () => {
    expect(() => parsePrunerFlag("hyperband")).toThrow(/--pruner must be median, asha, none.*"hyperband"/);
    expect(() => parsePrunerFlag("median:warmup")).toThrow(/key=number pairs.*"warmup"/);
    expect(() => parsePrunerFlag("median:n_warmup_steps=x")).toThrow(ConfigError);
    expect(() => parsePrunerFlag("median:warmup=3")).toThrow(/unknown key "warmup".*n_warmup_steps/);
    expect(() => parsePrunerFlag("median:n_warmup_steps=-1")).toThrow(/n_warmup_steps/);
    expect(() => parsePrunerFlag("none:n_warmup_steps=1")).toThrow(/none takes no options/);
  });
});
