/** The Tune pages in the URL hash: `#/tune` (the form, the running study and the stored studies) and `#/tune/<name>` (one study). */
export interface TuneRoute {
  /** The study shown; absent on the Tune page itself. */
  name?: string;
}

/** Parses `location.hash`; undefined when it is not a Tune page. */
export function parseTuneRoute(hash: string): TuneRoute | undefined {
  const match = /^#\/tune(?:\/([^/?]+))?\/?(?:\?.*)?$/s.exec(hash);
  if (!match) return undefined;
  return match[1] ? { name: decodeURIComponent(match[1]) } : {};
}

/** The hash of a study's page. */
export function studyHash(name: string): string {
  return `#/tune/${encodeURIComponent(name)}`;
}
