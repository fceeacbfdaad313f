"""Optuna reference for bench/tune.ts: Optuna's TPE and random search on Branin and Hartmann-6, prints one JSON line.

Usage: python3 bench/tune_reference.py SEEDS TRIALS [GBDT_SEEDS DENO]   (seeds 0..SEEDS-1, TRIALS trials each;
pip install optuna). With GBDT_SEEDS > 0 it also tunes the GBDT-on-synth objective, GBDT_SEEDS seeds: DENO runs
bench/tune_objective_gbdt.ts once, which tells the search space on its first line, then answers one line of parameters
(JSON) with one line holding the validation log loss, so every trial is a fit in that one process.
Optuna is used by this benchmark only; the toolkit never needs Python.

TPE runs with the settings our core/tune/samplers/tpe.ts defaults to, which are Optuna 5's: 10 random startup trials,
24 EI candidates, multivariate, constant liar (passed explicitly), and prior weight 1, magic clip on, endpoints off,
gamma min(ceil(0.1 n), 25), Optuna's default weights (left at Optuna's defaults: passing them is deprecated in 4.9).
Trials run one at a time (ask, evaluate, tell), as bench/tune.ts runs ours, so the constant liar never sees a running trial.
"""

import json
import math
import subprocess
import sys
import time

import optuna
from optuna.samplers import RandomSampler, TPESampler

optuna.logging.set_verbosity(optuna.logging.ERROR)

# Hartmann-6 constants (Surjanovic & Bingham's virtual library of simulation experiments).
H6_ALPHA = [1.0, 1.2, 3.0, 3.2]
H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H6_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def hartmann6(p):
    x = [p[f"x{i}"] for i in range(1, 7)]
    total = 0.0
    for i in range(4):
        inner = sum(H6_A[i][j] * (x[j] - 1e-4 * H6_P[i][j]) ** 2 for j in range(6))
        total += H6_ALPHA[i] * math.exp(-inner)
    return -total


def box(**bounds):
    return {k: {"type": "float", "low": lo, "high": hi} for k, (lo, hi) in bounds.items()}


OBJECTIVES = {
    "branin": (branin, box(x1=(-5.0, 10.0), x2=(0.0, 15.0))),
    "hartmann6": (hartmann6, box(**{f"x{i}": (0.0, 1.0) for i in range(1, 7)})),
}


def tpe(seed):
    return TPESampler(
        seed=seed, n_startup_trials=10, n_ei_candidates=24, multivariate=True, constant_liar=True
    )


SAMPLERS = {"optuna_tpe": tpe, "optuna_random": lambda seed: RandomSampler(seed=seed)}


def suggest(trial, name, dist):
    """One parameter of a toolkit search space (core/tune/space.ts: float or int, log optional) through Optuna."""
    if dist["type"] == "float":
        return trial.suggest_float(name, dist["low"], dist["high"], log=dist.get("log", False))
    if dist["type"] == "int":
        return trial.suggest_int(name, dist["low"], dist["high"], log=dist.get("log", False))
    raise ValueError(f"parameter {name}: type {dist['type']} is not used by the benchmark (expected float or int)")


def run(fn, space, sampler, trials):
    study = optuna.create_study(direction="minimize", sampler=sampler)
    for _ in range(trials):
        trial = study.ask()
        params = {k: suggest(trial, k, d) for k, d in space.items()}
        study.tell(trial, fn(params))
    return study.best_value


class GbdtObjective:
    """The GBDT-on-synth objective served by one bench/tune_objective_gbdt.ts process."""

    def __init__(self, deno):
        self.proc = subprocess.Popen(
            [deno, "run", "-A", "bench/tune_objective_gbdt.ts"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.space = json.loads(self.proc.stdout.readline())["space"]

    def __call__(self, params):
        self.proc.stdin.write(json.dumps(params) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"bench/tune_objective_gbdt.ts ended (exit {self.proc.wait()}) before answering {params}")
        return float(json.loads(line))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    gbdt_seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    out = {"optuna": optuna.__version__, "seeds": seeds, "trials": trials, "best": {}, "seconds": {}}
    objectives = [(name, fn, box, seeds) for name, (fn, box) in OBJECTIVES.items()]
    gbdt = GbdtObjective(sys.argv[4]) if gbdt_seeds > 0 else None
    if gbdt:
        objectives.append(("gbdt", gbdt, gbdt.space, gbdt_seeds))
    for name, fn, space, n in objectives:
        out["best"][name], out["seconds"][name] = {}, {}
        for label, make in SAMPLERS.items():
            t0 = time.perf_counter()
            out["best"][name][label] = [run(fn, space, make(s), trials) for s in range(n)]
            out["seconds"][name][label] = time.perf_counter() - t0
    if gbdt:
        gbdt.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
