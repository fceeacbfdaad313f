// Small synthetic splits for the tree model tests, windowed as the trainer does.
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { writeParquet } from "../../../core/data/parquet_write.ts";
import { loadSplits, type Splits } from "../../../core/data/splits.ts";
import { SYNTH_STRONG_SIGNAL, synthSplits } from "../../../core/data/synth.ts";
import { memorySource } from "../../helpers.ts";

const tables = synthSplits({ symbols: 2, rows: 1500, features: 8, seed: 3, signal: SYNTH_STRONG_SIGNAL });

/** The tiny synthetic splits as Parquet sources (what `train()` reads). */
export const sources = () => ({
  train: memorySource("train.parquet", writeParquet(tables.train.columns)),
  val: memorySource("val.parquet", writeParquet(tables.val.columns)),
  test: memorySource("test.parquet", writeParquet(tables.test.columns)),
});

/** The tiny splits windowed with `seq_len` rows. */
export function tinySplits(seqLen = 1): Promise<Splits> {
  return loadSplits(sources(), { ...DatasetConfig.parse({}), seq_len: seqLen });
}
