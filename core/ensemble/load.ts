import { scaleFrame } from "../data/scaler.ts";
import { Windows } from "../data/windows.ts";
import { DataError, NotFoundError } from "../errors.ts";
import type { Model, ModelFiles } from "../model.ts";
import type { LoadedRun } from "../predict.ts";
import type { RunReader } from "../platform.ts";
import { type Preprocess, readRunJson, type RunRecord } from "../train/run_record.ts";
import { combineProbs, type EnsembleSpec, EnsembleSpec as EnsembleSpecSchema } from "./spec.ts";

/**
 * Loads an ensemble run for prediction: its spec (model/ensemble.json) and each member run, loaded by `loadMember`
 * from the same runs folder. A member that is not there is one NotFoundError naming it.
 */
export async function loadEnsembleRun(
  reader: RunReader,
  record: RunRecord,
  preprocess: Preprocess,
  loadMember: (runId: string) => Promise<LoadedRun>,
): Promise<LoadedRun> {
  const spec = await readRunJson(reader, record.id, "model/ensemble.json", EnsembleSpecSchema);
  const members: LoadedRun[] = [];
  try {
    for (const member of spec.members) {
      const found = await reader.files(member.run_id).then((files) => files.includes("run.json"), (error) => {
        if (error instanceof NotFoundError) return false;
        throw error;
      });
      if (!found) {
        throw new NotFoundError(
          `Ensemble run ${record.id} needs its member run ${member.run_id} (${member.model}, ${member.label}), which is not in the same runs folder; an ensemble runs its members, so keep them beside it`,
        );
      }
      members.push(await loadMember(member.run_id));
    }
  } catch (error) {
    for (const loaded of members) loaded.model.dispose();
    throw error;
  }
  return { record, preprocess, model: new EnsembleModel(spec, members) };
}

/**
 * An ensemble as a model: given windows over the unscaled input (the ensemble's window, the longest of its
 * members'), each member scales the input with its own scaler and scores the same sample rows with its own window
 * (shorter windows end at the same row), and the members' probabilities are combined as the spec says.
 */
export class EnsembleModel implements Model {
  constructor(readonly spec: EnsembleSpec, readonly members: readonly LoadedRun[]) {}

  fit(): never {
    throw new TypeError(`An ensemble (${this.spec.kind}) is built from finished runs by core/ensemble, not fitted`);
  }

  async predict(data: Windows, options?: { batchSize?: number }): Promise<Float32Array> {
    const probs: Float32Array[] = [];
    for (const member of this.members) {
      const { preprocess, record } = member;
      if (preprocess.seq_len > data.seqLen) {
        throw new RangeError(`Member run ${record.id} needs ${preprocess.seq_len}-row windows, longer than the ensemble's ${data.seqLen}`);
      }
      if (preprocess.features.join("\u0000") !== data.frame.featureNames.join("\u0000")) {
        throw new DataError(`Features of ${data.frame.source} are not member run ${record.id}'s (${preprocess.features.length} features)`, {
          file: data.frame.source,
        });
      }
      const frame = preprocess.scaler ? scaleFrame(preprocess.scaler, data.frame) : data.frame;
      // every sample end has the ensemble's full window behind it, so a member's shorter window fits there too
      const windows = new Windows(frame, { seqLen: preprocess.seq_len, requireLabel: false }, data.ends);
      probs.push(await member.model.predict(windows, options));
    }
    return combineProbs(this.spec, probs);
  }

  async save(): Promise<ModelFiles> {
    return { "ensemble.json": new TextEncoder().encode(JSON.stringify(this.spec, null, 2) + "\n") };
  }

  dispose(): void {
    for (const member of this.members) member.model.dispose();
  }
}
