import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configFields } from "../../../core/config/fields.ts";
import { hint, otherText, otherValue, parseText } from "../../../web/train/form_text.ts";
import { registry } from "../../../models/index.ts";

describe("union settings as typed", () => {
  it("reads JSON, comma lists and bare words", () => {
    expect(otherValue("0.5")).toBe(0.5);
    expect(otherValue("sqrt")).toBe("sqrt");
    expect(otherValue("1, 2, 3")).toEqual([1, 2, 3]);
    expect(otherValue("[1, 2]")).toEqual([1, 2]);
    expect(otherValue('"balanced"')).toBe("balanced");
    expect(otherText("sqrt")).toBe("sqrt");
    expect(otherText([1, 2.5, 3])).toBe("1, 2.5, 3");
    expect(otherText(1)).toBe("1");
  });

  it("says what a union takes instead of JSON (union)", () => {
    const fields = configFields(registry.get("trees:gbdt").configSchema);
    const bynode = fields.find((f) => f.key === "colsample_bynode")!;
    expect(hint(bynode)).toBe('default 1; a number > 0 and <= 1, or "sqrt"');
    expect(hint(fields.find((f) => f.key === "class_weight")!)).toBe('"balanced", or a list of 3 numbers > 0');
  });

  it("refuses a fraction for an integer setting before the schema does", () => {
    const [epochs] = configFields(z.object({ epochs: z.number().int().min(1) }));
    expect(parseText(epochs, "1.5").error).toBeDefined();
    expect(parseText(epochs, "2")).toEqual({ value: 2 });
  });
});

describe("object defaults", () => {
  it("shows an object default as its JSON, not [object Object]", () => {
    const k = configFields(z.object({ k: z.record(z.string(), z.number()).default({ "5": 1, "20": 1.5 }) }))[0];
    expect(hint(k)).toContain('default {"5":1,"20":1.5}');
    expect(hint(k)).not.toContain("[object Object]");
  });
});
