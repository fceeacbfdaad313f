/** The registry pages in the URL hash: `#/registry` (every registered model) and `#/registry/<name>` (one model). */
export interface RegistryRoute {
  /** The model shown; absent on the list. */
  name?: string;
}

/** Parses `location.hash`; undefined when it is not a registry page. */
export function parseRegistryRoute(hash: string): RegistryRoute | undefined {
  const match = /^#\/registry(?:\/([^/?]+))?\/?(?:\?.*)?$/s.exec(hash);
  if (!match) return undefined;
  return match[1] ? { name: decodeURIComponent(match[1]) } : {};
}

/** The hash of the registry page, or of one model's page. */
export function registryHash(name?: string): string {
  return name === undefined ? "#/registry" : `#/registry/${encodeURIComponent(name)}`;
}
