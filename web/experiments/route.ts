/** The experiments pages in the URL hash: `#/experiments` (the list, the form and the queue) and `#/experiments/<name>` (a report). */
export interface ExperimentRoute {
  /** The experiment whose report is shown; absent on the experiments page itself. */
  name?: string;
}

/** Parses `location.hash`; undefined when it is not an experiments page. */
export function parseExperimentRoute(hash: string): ExperimentRoute | undefined {
  const match = /^#\/experiments(?:\/([^/?]+))?\/?(?:\?.*)?$/s.exec(hash);
  if (!match) return undefined;
  return match[1] ? { name: decodeURIComponent(match[1]) } : {};
}

/** The hash of an experiment's report page. */
export function reportHash(name: string): string {
  return `#/experiments/${encodeURIComponent(name)}`;
}
