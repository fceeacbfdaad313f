/** Where in the input a problem was found; every field is optional, the message always reads on its own. */
export interface ErrorPlace {
  file?: string;
  column?: string;
  row?: number;
  key?: string;
  value?: unknown;
}

/** An error about the user's input, carrying where it is for programs; the message says it for people. */
abstract class InputError extends Error {
  readonly place: ErrorPlace;
  constructor(message: string, place: ErrorPlace = {}) {
    super(message);
    this.place = place;
  }
}

/** Input data that cannot be used as it is: a bad file, a missing column, a value out of range. */
export class DataError extends InputError {
  override name = "DataError";
}

/** A configuration that does not validate: unknown key, wrong type, value out of range, unknown model. */
export class ConfigError extends InputError {
  override name = "ConfigError";
}

/** A run or a file of a run that does not exist in the store. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}
