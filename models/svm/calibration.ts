/**
 * Calibration of SVM margins into probabilities: p = softmax(beta m + c), an inverse temperature beta >= 0 shared by
 * the classes (temperature scaling, Guo et al., 2017) and per-class offsets c (c_0 = 0), fitted to minimise the log
 * loss on held-out rows. One-vs-rest margins rank a rare class too low (each binary SVM fits its class against all
 * the others); the offsets correct that, which a temperature alone cannot. The mean log loss is convex in
 * (beta, c_1, c_2) (a multinomial logistic regression on the margins), so damped Newton steps find its minimum.
 */

/** The fitted calibration: p = softmax(beta m + offsets). */
export interface Calibration {
  beta: number;
  offsets: [number, number, number];
}

/** Mean log loss of softmax(beta m + c) over rows x 3 margins. */
function meanLoss(margins: ArrayLike<number>, classes: Int8Array, [beta, c1, c2]: number[]): number {
  let sum = 0;
  for (let i = 0; i < classes.length; i++) {
    const z0 = beta * margins[3 * i], z1 = beta * margins[3 * i + 1] + c1, z2 = beta * margins[3 * i + 2] + c2;
    const top = Math.max(z0, z1, z2);
    const y = classes[i], zy = y === 0 ? z0 : y === 1 ? z1 : z2;
    sum += top + Math.log(Math.exp(z0 - top) + Math.exp(z1 - top) + Math.exp(z2 - top)) - zy;
  }
  return sum / classes.length;
}

/**
 * The calibration minimising the log loss of softmax(beta m + c) against `classes` (0..2), starting from beta 1, c 0.
 * @example fitCalibration(Float64Array.of(2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 0, 0), Int8Array.of(0, 1, 2, 1)).beta // > 0
 */
export function fitCalibration(margins: ArrayLike<number>, classes: Int8Array): Calibration {
  const n = classes.length;
  let p = [1, 0, 0];
  if (n === 0) return { beta: 1, offsets: [0, 0, 0] };
  let current = meanLoss(margins, classes, p);
  for (let iter = 0; iter < 100; iter++) {
    // Gradient and Hessian over (beta, c1, c2); each logit's derivative is (m_k, [k = 1], [k = 2]).
    let g0 = 0, g1 = 0, g2 = 0, h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
    for (let i = 0; i < n; i++) {
      const m0 = margins[3 * i], m1 = margins[3 * i + 1], m2 = margins[3 * i + 2];
      const z0 = p[0] * m0, z1 = p[0] * m1 + p[1], z2 = p[0] * m2 + p[2], top = Math.max(z0, z1, z2);
      const e0 = Math.exp(z0 - top), e1 = Math.exp(z1 - top), e2 = Math.exp(z2 - top), s = e0 + e1 + e2;
      const p0 = e0 / s, p1 = e1 / s, p2 = e2 / s;
      const em = p0 * m0 + p1 * m1 + p2 * m2, y = classes[i];
      g0 += em - (y === 0 ? m0 : y === 1 ? m1 : m2);
      g1 += p1 - (y === 1 ? 1 : 0);
      g2 += p2 - (y === 2 ? 1 : 0);
      h00 += p0 * m0 * m0 + p1 * m1 * m1 + p2 * m2 * m2 - em * em;
      h01 += p1 * m1 - em * p1;
      h02 += p2 * m2 - em * p2;
      h11 += p1 - p1 * p1;
      h12 -= p1 * p2;
      h22 += p2 - p2 * p2;
    }
    const ridge = 1e-9;
    const step = solve3([[h00 / n + ridge, h01 / n, h02 / n], [h01 / n, h11 / n + ridge, h12 / n], [h02 / n, h12 / n, h22 / n + ridge]], [
      g0 / n,
      g1 / n,
      g2 / n,
    ]);
    let next = p, nextLoss = Infinity;
    for (let t = 1; t > 1e-8; t /= 2) {
      next = [Math.max(0, p[0] - t * step[0]), p[1] - t * step[1], p[2] - t * step[2]];
      nextLoss = meanLoss(margins, classes, next);
      if (nextLoss <= current) break;
    }
    if (!(nextLoss <= current)) break;
    const gain = current - nextLoss;
    [p, current] = [next, nextLoss];
    if (gain < 1e-13) break;
  }
  return { beta: p[0], offsets: [0, p[1], p[2]] };
}

/** Probabilities (rows x 3, float32) from margins under a calibration. */
export function calibratedProbabilities(margins: ArrayLike<number>, { beta, offsets }: Calibration): Float32Array {
  const out = new Float32Array(margins.length);
  for (let i = 0; i < margins.length; i += 3) {
    const a = beta * margins[i] + offsets[0], b = beta * margins[i + 1] + offsets[1], c = beta * margins[i + 2] + offsets[2];
    const top = Math.max(a, b, c);
    const ea = Math.exp(a - top), eb = Math.exp(b - top), ec = Math.exp(c - top), s = ea + eb + ec;
    out[i] = ea / s;
    out[i + 1] = eb / s;
    out[i + 2] = ec / s;
  }
  return out;
}

/** Solves a 3 x 3 system by Gaussian elimination with partial pivoting (a zero pivot leaves that unknown 0). */
function solve3(A: number[][], b: number[]): number[] {
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < 3; c++) {
    let pivot = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    if (M[c][c] === 0) continue;
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k < 4; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[3] / row[i]));
}
