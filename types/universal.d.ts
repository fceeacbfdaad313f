// Web-platform globals that every runtime core/ targets has (browsers, Deno, Node), but that the
// ES library types lack. Only the DOM-free check (tsconfig.core.json) reads this file.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly pathname: string;
  toString(): string;
}
interface ImportMeta {
  /** The module's own URL (ES modules in browsers, Deno and Node). */
  readonly url: string;
}
