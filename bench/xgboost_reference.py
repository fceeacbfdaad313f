"""XGBoost `hist` reference for bench/gbdt.ts: trains on the .npy splits it exported, prints one JSON line.

Usage: python3 bench/xgboost_reference.py DIR THREADS   (DIR holds {train,val,test}_{x,y}.npy)
Fit time covers building the DMatrix (binning) and boosting with the validation set evaluated each round,
the same work the TypeScript model's fit does.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import f1_score

folder, threads = sys.argv[1], int(sys.argv[2])
load = lambda split: (np.load(f"{folder}/{split}_x.npy"), np.load(f"{folder}/{split}_y.npy"))
(xt, yt), (xv, yv), (xs, ys) = load("train"), load("val"), load("test")
params = {
    "objective": "multi:softprob", "num_class": 3, "tree_method": "hist", "max_depth": 6, "eta": 0.1,
    "subsample": 0.8, "colsample_bytree": 0.8, "nthread": threads, "seed": 42, "eval_metric": "mlogloss",
}
t0 = time.perf_counter()
dtrain = xgb.DMatrix(xt, label=yt, nthread=threads)
dval = xgb.DMatrix(xv, label=yv, nthread=threads)
booster = xgb.train(params, dtrain, num_boost_round=300, evals=[(dval, "val")], early_stopping_rounds=20, verbose_eval=False)
fit_s = time.perf_counter() - t0
best = booster.best_iteration
probs = booster.predict(xgb.DMatrix(xs, nthread=threads), iteration_range=(0, best + 1))
pred = probs.argmax(axis=1)
print(json.dumps({
    "xgboost": xgb.__version__, "threads": threads, "fit_s": fit_s, "rounds": booster.num_boosted_rounds(),
    "best_iteration": best, "test_f1_macro": float(f1_score(ys, pred, average="macro")),
    "test_accuracy": float((pred == ys).mean()), "val_logloss": float(booster.best_score),
}))
