import { contentId } from "../experiment/cell_id.ts";
import type { DatasetFingerprint } from "./fingerprint.ts";

/**
 * What identifies the data of a fingerprint: each split's file name, size and rows, the symbols, the features and the
 * time split's boundaries. Samples are left out (they follow the window length and sampling settings) and so is the
 * label column (it follows the horizon, which runs state on their own).
 */
function dataIdentity(fingerprint: DatasetFingerprint): unknown {
  const files = Object.fromEntries(
    Object.entries(fingerprint.files).map(([split, f]) => [split, { name: f.name, bytes: f.bytes ?? null, rows: f.rows }]),
  );
  const split = fingerprint.split;
  return {
    files,
    symbols: fingerprint.symbols,
    features: fingerprint.features,
    split: split ? { file: split.file, val_start: split.val_start, test_start: split.test_start, purge: split.purge, embargo: split.embargo } : null,
  };
}

/**
 * A short id of the data a run was trained on (8 hex digits of {@linkcode contentId} over {@linkcode dataIdentity}):
 * runs on the same files, rows, symbols, features and time split share it; any of those changed gives another.
 * Files are known by name, size and rows, not by their bytes: two files alike in all three share an id.
 * @example dataId(record.dataset) // e.g. "3fa9c2e5"
 */
export function dataId(fingerprint: DatasetFingerprint): string {
  return contentId(dataIdentity(fingerprint)).slice(0, 8);
}
