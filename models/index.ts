import type { ModelPlugin } from "../core/model.ts";
import { createRegistry } from "../core/registry.ts";
import { logistic } from "./logistic/logistic.ts";
import { mlp } from "./mlp/mlp.ts";
import { lstm } from "./lstm/lstm.ts";
import { gru } from "./gru/gru.ts";
import { tcn } from "./tcn/tcn.ts";
import { transformer } from "./transformer/transformer.ts";
import { nhits } from "./nhits/nhits.ts";
import { patchtst } from "./patchtst/patchtst.ts";
import { gbdt } from "./gbdt/gbdt.ts";
import { forest } from "./forest/forest.ts";
import { svm } from "./svm/svm.ts";
import { wavenet } from "./wavenet/wavenet.ts";
import { rwkv } from "./rwkv/rwkv.ts";
import { tft } from "./tft/tft.ts";
import { informer } from "./informer/informer.ts";
import { autoformer } from "./autoformer/autoformer.ts";
import { timesnet } from "./timesnet/timesnet.ts";

/** Every model the toolkit ships, listed explicitly: adding a model is adding it here. */
export const plugins: readonly ModelPlugin[] = [
  logistic,
  mlp,
  lstm,
  gru,
  tcn,
  transformer,
  nhits,
  patchtst,
  gbdt,
  forest,
  svm,
  wavenet,
  rwkv,
  tft,
  informer,
  autoformer,
  timesnet,
];

/** The registry built from `plugins`. */
export const registry = createRegistry(plugins);
