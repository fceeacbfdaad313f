import { describe, expect, it } from "vitest";
import { DataError } from "../../../core/errors.ts";
import { checkSignature, signatureMismatch, signatureOf } from "../../../core/model_registry/signature.ts";

const expected = ["f_000", "f_001", "f_002", "f_003"];

describe("signatureMismatch", () => {
  it("is undefined when the columns are the signature's, in order", () => {
    expect(signatureMismatch(expected, [...expected])).toBeUndefined();
  });

  it("names the first missing column with its position", () => {
    expect(signatureMismatch(expected, ["f_000", "f_002", "f_003"])).toBe('column "f_001" (position 1) is missing; "f_002" is there instead');
    expect(signatureMismatch(expected, ["f_000", "f_001", "f_002"])).toBe('column "f_003" (position 3) is missing');
  });

  it("names the first column the model does not read", () => {
    expect(signatureMismatch(expected, ["f_000", "extra", "f_001", "f_002", "f_003"])).toBe(
      'column 1 is "extra", which the model does not read (it expects "f_001" there)',
    );
    expect(signatureMismatch(expected, [...expected, "late"])).toBe('column 4 is "late", which the model does not read');
  });

  it("names the first column out of place", () => {
    expect(signatureMismatch(expected, ["f_000", "f_002", "f_001", "f_003"])).toBe(
      'column 1 is "f_002", the model expects "f_001" there (the columns are in another order)',
    );
  });
});

describe("checkSignature", () => {
  const signature = signatureOf({ features: expected, horizon: 5, seq_len: 3, label_column: "label_h5", nan_policy: "error" });

  it("takes the features, horizon, window and classes from preprocess.json", () => {
    expect(signature).toEqual({ features: expected, horizon: 5, window_length: 3, classes: [-1, 0, 1], label_column: "label_h5" });
  });

  it("throws a DataError naming the file, the version and the first mismatching column", () => {
    let error: unknown;
    try {
      checkSignature(signature, ["f_000", "f_001", "f_003"], "new.parquet", "btc-h5/3");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      'new.parquet does not match the signature of btc-h5/3 (4 features in order): column "f_002" (position 2) is missing; "f_003" is there instead',
    );
    expect((error as DataError).place).toMatchObject({ file: "new.parquet", column: "f_002" });
    expect(() => checkSignature(signature, expected, "ok.parquet", "btc-h5/3")).not.toThrow();
  });
});
