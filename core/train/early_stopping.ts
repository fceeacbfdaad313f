import type { EpochDecision } from "../model.ts";

/** Early-stopping settings: stop after `patience` epochs whose loss did not improve by `minDelta`; patience 0 never stops. */
export interface EarlyStoppingOptions {
  patience: number;
  minDelta: number;
}

/**
 * Tracks the best validation loss and says when to stop.
 * @example const es = new EarlyStopping({ patience: 3, minDelta: 0 }); es.update(0.9) // { stop: false, best: true }
 */
export class EarlyStopping {
  bestLoss = Infinity;
  bestEpoch = -1;
  private epoch = -1;
  constructor(private readonly options: EarlyStoppingOptions) {}

  /** Records one epoch's validation loss; a NaN loss never counts as an improvement. */
  update(loss: number): EpochDecision {
    this.epoch++;
    const best = loss < this.bestLoss - this.options.minDelta;
    if (best) [this.bestLoss, this.bestEpoch] = [loss, this.epoch];
    const stale = this.epoch - this.bestEpoch;
    return { best, stop: this.options.patience > 0 && stale >= this.options.patience };
  }
}
