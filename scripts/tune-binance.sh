#!/usr/bin/env bash
# Tunes GBDT and the MLP on the prepared Binance bars at H5, 30 trials each, every trial scored by 3 purged
# walk-forward folds over train + val (test never read); then trains the defaults and each study's best settings on
# the usual split and scores test. The figures land in experiments/reports/tune-binance-h5/ (one JSON line per
# command) and are written up in experiments/reports/tune-binance-h5.md.
# Prepare the data first:
#   npm run mf -- prepare --input ../shared/data/binance-spot-5m.parquet --out experiments/prepared/binance-spot-5m
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-experiments/prepared/binance-spot-5m}
OUT=experiments/reports/tune-binance-h5
TRIALS=${TRIALS:-30}
mkdir -p "$OUT"
mf() { node_modules/.bin/deno run -A cli/main.ts "$@"; }

for model in gbdt mlp; do
  space=(--space "config/tune/$model-space.yaml")
  mf tune --model "$model" --horizon 5 --data "$DATA" --config "config/tune/binance-$model-h5.json" "${space[@]}" \
    --cv walk_forward:3 --trials "$TRIALS" --study "binance-$model-h5" --json >"$OUT/$model-study.json"
  mf study show "binance-$model-h5" --json >"$OUT/$model-study-show.json"
  mf train --config "config/tune/binance-$model-h5.json" --data "$DATA" --json >"$OUT/$model-default.json"
  mf train --config "experiments/studies/binance-$model-h5/best_config.json" --data "$DATA" --json >"$OUT/$model-best.json"
done
