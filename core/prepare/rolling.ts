// Causal rolling statistics over one segment [start, end) of a series: out[i] depends on x[..i] only,
// and is NaN until the window is full (the warm-up the features drop).

/** Rolling mean and population std of x over `w` rows ending at each row. */
export function rollingMeanStd(x: Float64Array, start: number, end: number, w: number, mean: Float64Array, std: Float64Array): void {
  let s = 0, s2 = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    s += v;
    s2 += v * v;
    if (i - w >= start) {
      const old = x[i - w];
      s -= old;
      s2 -= old * old;
    }
    if (i - start + 1 >= w) {
      const m = s / w;
      mean[i] = m;
      std[i] = Math.sqrt(Math.max(s2 / w - m * m, 0));
    } else mean[i] = std[i] = NaN;
  }
}

/** Rolling skewness and excess kurtosis (population moments) of x over `w` rows. */
export function rollingMoments(x: Float64Array, start: number, end: number, w: number, skew: Float64Array, kurt: Float64Array): void {
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    s1 += v;
    s2 += v * v;
    s3 += v * v * v;
    s4 += v * v * v * v;
    if (i - w >= start) {
      const o = x[i - w];
      s1 -= o;
      s2 -= o * o;
      s3 -= o * o * o;
      s4 -= o * o * o * o;
    }
    if (i - start + 1 < w) {
      skew[i] = kurt[i] = NaN;
      continue;
    }
    const m = s1 / w;
    const m2 = Math.max(s2 / w - m * m, 0);
    const m3 = s3 / w - 3 * m * (s2 / w) + 2 * m * m * m;
    const m4 = s4 / w - 4 * m * (s3 / w) + 6 * m * m * (s2 / w) - 3 * (m * m) * (m * m);
    // a flat window has no shape: 0 rather than 0/0
    // m2 ** 1.5 as m2 * sqrt(m2): pow's last bit differs between engines, sqrt is exactly rounded
    skew[i] = m2 > 1e-20 ? m3 / (m2 * Math.sqrt(m2)) : 0;
    kurt[i] = m2 > 1e-20 ? m4 / (m2 * m2) - 3 : 0;
  }
}

/** Exponential moving average with alpha = 2/(span+1), seeded with the first value; NaN for the first span-1 rows. */
export function ema(x: Float64Array, start: number, end: number, span: number, out: Float64Array): void {
  const a = 2 / (span + 1);
  let e = x[start];
  for (let i = start; i < end; i++) {
    e = i === start ? x[i] : a * x[i] + (1 - a) * e;
    out[i] = i - start + 1 >= span ? e : NaN;
  }
}

/** Wilder smoothing (alpha = 1/w), seeded with the mean of the first w values; NaN before that. */
export function wilder(x: Float64Array, start: number, end: number, w: number, out: Float64Array): void {
  let e = 0;
  for (let i = start; i < end; i++) {
    const k = i - start;
    if (k < w) {
      e += x[i] / w;
      out[i] = k === w - 1 ? e : NaN;
    } else out[i] = e = e + (x[i] - e) / w;
  }
}
