import { describe, expect, it } from "vitest";
import { z } from "zod";
import { allowedText, settingProblem } from "../../../core/config/field_words.ts";
import { configFields } from "../../../core/config/fields.ts";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { registry } from "../../../models/index.ts";

describe("allowedText", () => {
  it("says in words what a schema takes", () => {
    expect(allowedText(z.union([z.literal("scale"), z.number().positive().max(1e3)]).default("scale"))).toBe('"scale", or a number > 0 and <= 1000');
    expect(allowedText(z.number().int())).toBe("an integer");
    expect(allowedText(z.number().int().min(1).max(9))).toBe("integer from 1 to 9");
    expect(allowedText(z.array(z.number().int().min(1)))).toBe("a list of integers >= 1");
    expect(allowedText(z.enum(["a", "b"]))).toBe("one of a, b");
    expect(allowedText(z.tuple([z.string(), z.number()]))).toBe("a list of text, a number");
  });
});

describe("settingProblem", () => {
  const trainer = configFields(TrainerConfig);
  const field = (key: string) => trainer.find((f) => f.key === key)!;

  it("names the setting and what it takes, for every zod issue the forms meet, never zod's wording", () => {
    const cases: [string, unknown, string, string][] = [
      ["epochs", 1.5, "1.5", "epochs: expected integer from 1 to 100000 (got 1.5)"],
      ["epochs", 0, "0", "epochs: expected integer from 1 to 100000 (got 0)"],
      ["min_delta", -1, "-1", "min_delta: expected a number >= 0 (got -1)"],
    ];
    for (const [key, value, text, message] of cases) {
      const issue = TrainerConfig.safeParse({ [key]: value }).error!.issues[0];
      expect(issue.message).toMatch(/^(Invalid input|Too small)/); // what the page used to show
      expect(settingProblem(field(key), text, issue)).toBe(message);
    }
    expect(settingProblem(field("epochs"), "")).toBe("epochs: required, expected integer from 1 to 100000");
  });

  it("words a union's refusal instead of 'Invalid input'", () => {
    const schema = registry.get("trees:gbdt").configSchema;
    const bynode = configFields(schema).find((f) => f.key === "colsample_bynode")!;
    const issue = schema.safeParse({ colsample_bynode: "half" }).error!.issues.find((i) => i.path[0] === "colsample_bynode")!;
    expect(issue.message).toBe("Invalid input");
    expect(settingProblem(bynode, "half", issue)).toBe('colsample_bynode: expected a number > 0 and <= 1, or "sqrt" (got half)');
  });

  it("keeps the words of a check across settings", () => {
    const schema = registry.get("trees:gbdt").configSchema;
    const tree = configFields(schema).find((f) => f.key === "tree")!;
    const issue = schema.safeParse({ tree: "oblivious", growth: "leafwise" }).error!.issues.find((i) => i.path[0] === "tree")!;
    expect(settingProblem(tree, "oblivious", issue)).toBe(`tree: ${issue.message}`);
    expect(issue.message).toMatch(/^tree "oblivious" grows whole levels/);
  });
});
