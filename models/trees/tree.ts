/** One grown tree as flat arrays indexed by node (0 is the root); a leaf has feature -1. */
export interface Tree {
  /** Score column its first output adds to: a boosted tree feeds one class, a forest tree all three. */
  output: number;
  /** Outputs per leaf. */
  nOut: number;
  feature: Int32Array;
  /** Go left when the feature's bin is at most this (training data, binned). */
  bin: Uint8Array;
  /** Go left when the raw value is at most this (new data); the same test as `bin`, see binning.ts. */
  threshold: Float32Array;
  /** Where a missing value goes: 1 left, 0 right. */
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes x nOut leaf values, already scaled by the learning rate. */
  value: Float64Array;
  /** Gain of each split (0 at a leaf): the feature importance. */
  gain: Float64Array;
}

/** Adds the tree's leaf values to `scores` (rows x 3) for every row of a row-major float matrix (rows x cols). */
export function addRaw(tree: Tree, x: Float32Array, cols: number, scores: Float64Array): void {
  const { feature, threshold, defaultLeft, left, right, value, nOut, output } = tree;
  const rows = x.length / cols;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = feature[0]; f >= 0; f = feature[node]) {
      const v = x[i * cols + f];
      node = (v !== v ? defaultLeft[node] === 1 : v <= threshold[node]) ? left[node] : right[node];
    }
    for (let o = 0; o < nOut; o++) scores[i * 3 + output + o] += value[node * nOut + o];
  }
}

/** A tree as readable JSON: parallel arrays per node. */
export interface TreeJson {
  output: number;
  n_out: number;
  feature: number[];
  threshold: number[];
  default_left: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
}

/** The JSON form of a tree (thresholds are float32 values, so they survive the round trip exactly). */
export function treeToJson(tree: Tree): TreeJson {
  return {
    output: tree.output,
    n_out: tree.nOut,
    feature: [...tree.feature],
    threshold: [...tree.threshold],
    default_left: [...tree.defaultLeft],
    left: [...tree.left],
    right: [...tree.right],
    value: [...tree.value],
    gain: [...tree.gain],
  };
}

/** A tree from its JSON form, checked so that prediction can never index outside it. */
export function treeFromJson(json: TreeJson, cols: number, where: string): Tree {
  const n = json.feature?.length ?? 0;
  const fail = (what: string): never => {
    throw new TypeError(`Cannot load ${where}: ${what}`);
  };
  if (n === 0) fail("it has no nodes");
  if (!(json.n_out >= 1 && json.output >= 0 && json.output + json.n_out <= 3)) {
    fail(`outputs ${json.output}..${json.output + json.n_out - 1} are outside the 3 classes`);
  }
  for (const key of ["threshold", "default_left", "left", "right", "gain"] as const) {
    if (json[key]?.length !== n) fail(`"${key}" has ${json[key]?.length} entries, expected ${n}`);
  }
  if (json.value?.length !== n * json.n_out) fail(`"value" has ${json.value?.length} entries, expected ${n * json.n_out}`);
  for (let k = 0; k < n; k++) {
    const f = json.feature[k];
    if (f < -1 || f >= cols || !Number.isInteger(f)) fail(`node ${k} splits on feature ${f}, the model has ${cols}`);
    if (f >= 0 && !(json.left[k] > k && json.left[k] < n && json.right[k] > k && json.right[k] < n)) {
      fail(`node ${k} has children ${json.left[k]}, ${json.right[k]} outside ${k + 1}..${n - 1}`);
    }
  }
  return {
    output: json.output,
    nOut: json.n_out,
    feature: Int32Array.from(json.feature),
    bin: new Uint8Array(n),
    threshold: Float32Array.from(json.threshold),
    defaultLeft: Uint8Array.from(json.default_left),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
    gain: Float64Array.from(json.gain),
  };
}
