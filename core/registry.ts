import { ConfigError } from "./errors.ts";
import { closest } from "./config/parse.ts";
import { fullName, type ModelPlugin } from "./model.ts";

/** Looks up model plugins by `family:name` or short name. */
export interface Registry {
  /** The plugin named `family:name` or by a short name; unknown or ambiguous names are a ConfigError. */
  get(name: string): ModelPlugin;
  /** Plugins, optionally of one family, sorted by full name. */
  list(family?: string): ModelPlugin[];
}

/**
 * Builds a registry from an explicit list of plugins; duplicate full names are rejected.
 * @example const registry = createRegistry([logistic, mlp]); registry.get("mlp").family // "neural"
 */
export function createRegistry(plugins: readonly ModelPlugin[]): Registry {
  const byFull = new Map<string, ModelPlugin>();
  for (const plugin of plugins) {
    const key = fullName(plugin);
    if (!/^[a-z][a-z0-9_]*$/.test(plugin.family) || !/^[a-z][a-z0-9_]*$/.test(plugin.name)) {
      throw new TypeError(`Model name "${key}" must be lower-case family:name`);
    }
    if (byFull.has(key)) throw new TypeError(`Model "${key}" is listed twice`);
    byFull.set(key, plugin);
  }
  const sorted = [...byFull.keys()].sort();
  return {
    get(name) {
      const exact = byFull.get(name);
      if (exact) return exact;
      const matches = sorted.filter((key) => key.split(":")[1] === name);
      if (matches.length === 1) return byFull.get(matches[0])!;
      if (matches.length > 1) throw new ConfigError(`Model name "${name}" is ambiguous: ${matches.join(", ")}`, { key: "model", value: name });
      const near = closest(name, [...sorted, ...sorted.map((k) => k.split(":")[1])]);
      throw new ConfigError(`Unknown model "${name}"${near ? ` (did you mean "${near}"?)` : ""}; available: ${sorted.join(", ")}`, {
        key: "model",
        value: name,
      });
    },
    list(family) {
      if (family !== undefined && ![...byFull.values()].some((p) => p.family === family)) {
        const families = [...new Set([...byFull.values()].map((p) => p.family))].sort();
        throw new ConfigError(`Unknown model family "${family}"; families: ${families.join(", ")}`, { key: "family", value: family });
      }
      return sorted.map((k) => byFull.get(k)!).filter((p) => family === undefined || p.family === family);
    },
  };
}
