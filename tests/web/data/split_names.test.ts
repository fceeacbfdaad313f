import { describe, expect, it } from "vitest";
import { splitOf } from "../../../web/data/split_names.ts";

describe("splitOf", () => {
  it("tells train, val and test files apart by name, case-insensitively", () => {
    expect(splitOf("train.parquet")).toBe("train");
    expect(splitOf("BTC_VALID_2024.parquet")).toBe("val");
    expect(splitOf("phase1-test.parquet")).toBe("test");
  });

  it("refuses names that name no split or more than one", () => {
    expect(splitOf("bars.parquet")).toBeUndefined();
    expect(splitOf("train_val.parquet")).toBeUndefined();
  });
});
