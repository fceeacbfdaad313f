"""LightGBM reference for bench/gbdt.ts: trains on the .npy splits it exported, prints one JSON line.

Usage: python3 bench/lightgbm_reference.py DIR THREADS PARAMS_JSON   (DIR holds {train,val,test}_{x,y}.npy)
(pip install --break-system-packages lightgbm; used by this benchmark only.)
PARAMS_JSON holds LightGBM parameters added to the multiclass objective; the fit stops early after 20 rounds
without a better validation log loss, at most 300 rounds. Fit time covers building the Datasets (binning) and
boosting with the validation set evaluated each round, the same work the TypeScript model's fit does.
Macro-F1 is computed here with numpy, as sklearn's f1_score(average="macro") does it.
"""
import json
import sys
import time

import lightgbm as lgb
import numpy as np

folder, threads, extra = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
load = lambda split: (np.load(f"{folder}/{split}_x.npy"), np.load(f"{folder}/{split}_y.npy"))
(xt, yt), (xv, yv), (xs, ys) = load("train"), load("val"), load("test")
params = {
    "objective": "multiclass", "num_class": 3, "metric": "multi_logloss", "num_threads": threads, "seed": 42,
    "deterministic": True, "verbose": -1, **extra,
}


def macro_f1(y, pred):
    scores = []
    for c in range(3):
        tp = np.sum((pred == c) & (y == c))
        denominator = 2 * tp + np.sum((pred == c) & (y != c)) + np.sum((pred != c) & (y == c))
        scores.append(2 * tp / denominator if denominator > 0 else 0.0)
    return float(np.mean(scores))


t0 = time.perf_counter()
c0 = time.process_time()
dtrain = lgb.Dataset(xt, label=yt)
dval = lgb.Dataset(xv, label=yv, reference=dtrain)
evals = {}
booster = lgb.train(params, dtrain, num_boost_round=300, valid_sets=[dval], valid_names=["val"],
                    callbacks=[lgb.early_stopping(20, verbose=False), lgb.record_evaluation(evals)])
fit_s = time.perf_counter() - t0
cpu_s = time.process_time() - c0
best = booster.best_iteration  # 1-based: the number of rounds kept
probs = booster.predict(xs, num_iteration=best)
pred = probs.argmax(axis=1)
print(json.dumps({
    "lightgbm": lgb.__version__, "threads": threads, "params": params, "fit_s": fit_s, "cpu_s": cpu_s,
    "rounds": len(evals["val"]["multi_logloss"]), "best_iteration": best - 1, "test_f1_macro": macro_f1(ys, pred),
    "test_accuracy": float((pred == ys).mean()), "val_logloss": float(booster.best_score["val"]["multi_logloss"]),
}))
