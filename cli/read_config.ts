import { parseDocument } from "yaml";
import { DataError } from "../core/errors.ts";

/** The extensions a config file may have, by the syntax they mean. */
const SYNTAX: Record<string, "JSON" | "YAML"> = { ".json": "JSON", ".yaml": "YAML", ".yml": "YAML" };

/**
 * Reads a config file, JSON (`.json`) or YAML (`.yaml`, `.yml`), into a plain value for a zod schema.
 * Another extension, a missing file or a syntax error is a DataError naming the file (and the line and column).
 * @example await readConfigFile("config/models/mlp.yaml") // { model: "neural:mlp", params: { ... }, ... }
 */
export async function readConfigFile(path: string): Promise<unknown> {
  syntaxOf(path); // a wrong extension fails before any I/O
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new DataError(`Config file not found: ${path}`, { file: path });
    throw error;
  }
  return parseConfigText(text, path);
}

/**
 * Parses the text of a config file by the syntax its extension names; a syntax error is a DataError
 * with the file, line and column. Duplicate YAML keys and YAML warnings (an unknown tag) are errors too.
 * @example parseConfigText("model: mlp\nparams: {hidden: [8]}\n", "run.yaml") // { model: "mlp", params: { hidden: [8] } }
 */
export function parseConfigText(text: string, path: string): unknown {
  // editors on Windows may start a file with a byte-order mark; it is not part of the content
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (syntaxOf(path) === "JSON") {
    try {
      return JSON.parse(body);
    } catch (error) {
      // engines word the message differently and some omit the position, so it is found here
      const reason = (error as Error).message.replace(/ in JSON at position \d+.*$|, (\.\.\.)?".*$/s, "");
      throw syntaxError(path, "JSON", body, jsonErrorOffset(body), reason);
    }
  }
  const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw syntaxError(path, "YAML", body, problem.pos[0], problem.message);
  return doc.toJS();
}

function syntaxOf(path: string): "JSON" | "YAML" {
  const dot = path.lastIndexOf(".");
  const syntax = dot > path.lastIndexOf("/") ? SYNTAX[path.slice(dot).toLowerCase()] : undefined;
  if (!syntax) throw new DataError(`Config file ${path}: expected a .json, .yaml or .yml file`, { file: path });
  return syntax;
}

function syntaxError(path: string, syntax: string, text: string, offset: number, reason: string): DataError {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return new DataError(`${path}:${line}:${column}: not valid ${syntax}: ${reason}`, { file: path, row: line });
}

/** The offset of the first JSON syntax error in `text` (its length when the text ends too early); -1 when it is valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const word = (w: string) => {
    for (const ch of w) {
      if (text[i] !== ch) return false;
      i++;
    }
    return true;
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === '"') return (i++, true);
      if (c < " ") return false;
      if (c !== "\\") continue;
      i++;
      if (text[i] === "u") {
        for (let k = 0; k < 4; k++) if (!/[0-9a-fA-F]/.test(text[++i] ?? "")) return false;
      } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) return false;
    }
    return false;
  };
  // each parser leaves `i` at the first character it could not accept
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      space();
      if (text[i] === close) return (i++, true);
      for (;;) {
        space();
        if (c === "{") {
          if (!string()) return false;
          space();
          if (!word(":")) return false;
        }
        if (!value()) return false;
        space();
        if (word(close)) return true;
        if (!word(",")) return false;
      }
    }
    if (c === '"') return string();
    if (c === "t" || c === "f" || c === "n") return word(c === "t" ? "true" : c === "f" ? "false" : "null");
    number.lastIndex = i;
    if (!number.test(text)) return false;
    i = number.lastIndex;
    return true;
  };
  if (!value()) return i;
  space();
  return i < text.length ? i : -1;
}
