import * as tf from "@tensorflow/tfjs";

// The real DFT of the last axis, for the models that look at frequencies (Autoformer, TimesNet).
// On WebGPU forward passes use tfjs's FFT kernels (tf.spectral.rfft / irfft). Elsewhere the same
// transform is a product with cos/sin tables: wasm has no FFT kernel, and the cpu backend's builds
// small tensors per row (15.8 s for 4,096 rows of 32 samples, against 83 ms for the two products).
// tfjs registers no gradient for FFT, Real or Imag, so both transforms carry their own: the DFT is
// linear, and its gradient is the product with the transposed tables.

/** How a transform is computed: "auto" is tfjs's FFT on WebGPU and the tables elsewhere. */
export type SpectralMethod = "auto" | "fft" | "table";

function useFft(method: SpectralMethod): boolean {
  const backend = tf.getBackend();
  const available = tf.getKernel("FFT", backend) !== undefined && tf.getKernel("IFFT", backend) !== undefined;
  if (method === "fft" && !available) throw new RangeError(`The tfjs "${backend}" backend has no FFT kernel`);
  return method === "fft" || (method === "auto" && available && backend === "webgpu");
}

/** cos and -sin tables (L, n/2+1) of the n-point DFT of a series of L <= n samples: re = x C, im = x S. */
function forwardTables(L: number, n: number): [tf.Tensor2D, tf.Tensor2D] {
  const F = Math.floor(n / 2) + 1;
  const angle = (t: number, f: number) => (2 * Math.PI * ((f * t) % n)) / n;
  const cos = Float32Array.from({ length: L * F }, (_, k) => Math.cos(angle(Math.floor(k / F), k % F)));
  const sin = Float32Array.from({ length: L * F }, (_, k) => -Math.sin(angle(Math.floor(k / F), k % F)));
  return [tf.tensor2d(cos, [L, F]), tf.tensor2d(sin, [L, F])];
}

/** The inverse's tables (n/2+1, m) for its first m samples: x_t = sum_f a_f (re_f cos - im_f sin) / n, a_f = 2 except at 0 and n/2. */
function inverseTables(n: number, m: number): [tf.Tensor2D, tf.Tensor2D] {
  const F = Math.floor(n / 2) + 1;
  const a = (f: number) => (f === 0 || 2 * f === n ? 1 : 2) / n;
  const angle = (f: number, t: number) => (2 * Math.PI * ((f * t) % n)) / n;
  const cos = Float32Array.from({ length: F * m }, (_, k) => a(Math.floor(k / m)) * Math.cos(angle(Math.floor(k / m), k % m)));
  const sin = Float32Array.from({ length: F * m }, (_, k) => -a(Math.floor(k / m)) * Math.sin(angle(Math.floor(k / m), k % m)));
  return [tf.tensor2d(cos, [F, m]), tf.tensor2d(sin, [F, m])];
}

/** (..., K) as rows (rows, K). */
const asRows = (x: tf.Tensor) => tf.reshape(x, [-1, x.shape.at(-1)!]) as tf.Tensor2D;

/** A spectrum's parts, each (..., n/2+1): frequencies 0 .. n/2. */
export interface Spectrum {
  re: tf.Tensor;
  im: tf.Tensor;
}

/**
 * The n-point real DFT of x's last axis (L <= n samples, zero-padded to n): (..., L) -> re, im (..., n/2+1).
 * Differentiable. With the tables it is two products (autograd differentiates them); with tfjs's FFT an
 * op whose gradient is the product with the transposed tables.
 */
export function rfft(x: tf.Tensor, n: number, method: SpectralMethod = "auto"): Spectrum {
  const L = x.shape.at(-1)!, F = Math.floor(n / 2) + 1;
  if (L > n) throw new RangeError(`A ${n}-point DFT cannot take ${L} samples`);
  const shape = [...x.shape.slice(0, -1), F];
  return tf.tidy(() => {
    if (!useFft(method)) {
      const [c, s] = forwardTables(L, n), rows = asRows(x);
      return { re: tf.reshape(tf.matMul(rows, c), shape), im: tf.reshape(tf.matMul(rows, s), shape) };
    }
    const op = tf.customGrad((...args) => {
      const xs = args[0] as tf.Tensor, save = args[1] as tf.GradSaveFunc;
      save(forwardTables(L, n));
      const spectrum = tf.spectral.rfft(L < n ? tf.pad(asRows(xs), [[0, 0], [0, n - L]]) : asRows(xs));
      const value = tf.concat([tf.real(spectrum), tf.imag(spectrum)], -1);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [dRe, dIm] = tf.split(dy, 2, -1);
        return tf.reshape(tf.add(tf.matMul(dRe, saved[0], false, true), tf.matMul(dIm, saved[1], false, true)), xs.shape);
      };
      return { value, gradFunc };
    });
    const [re, im] = tf.split(op(x), 2, -1);
    return { re: tf.reshape(re, shape), im: tf.reshape(im, shape) };
  });
}

/** The first m samples of the n-point inverse real DFT of a spectrum (re, im each (..., n/2+1)) -> (..., m). Differentiable. */
export function irfft(spectrum: Spectrum, n: number, m: number, method: SpectralMethod = "auto"): tf.Tensor {
  const F = Math.floor(n / 2) + 1;
  const { re, im } = spectrum;
  if (re.shape.at(-1) !== F || im.shape.at(-1) !== F) throw new RangeError(`An ${n}-point spectrum has ${F} frequencies, got ${re.shape.at(-1)}`);
  const shape = [...re.shape.slice(0, -1), m];
  return tf.tidy(() => {
    if (!useFft(method) || n % 2 !== 0) {
      const [c, s] = inverseTables(n, m);
      return tf.reshape(tf.add(tf.matMul(asRows(re), c), tf.matMul(asRows(im), s)), shape);
    }
    const op = tf.customGrad((...args) => {
      const [r, i] = [args[0], args[1]] as tf.Tensor[], save = args[2] as tf.GradSaveFunc;
      save(inverseTables(n, m));
      const signal = tf.spectral.irfft(tf.complex(asRows(r), asRows(i)));
      const value = tf.slice(signal, [0, 0], [signal.shape[0], m]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.reshape(tf.matMul(dy, saved[0], false, true), r.shape),
        tf.reshape(tf.matMul(dy, saved[1], false, true), i.shape),
      ];
      return { value, gradFunc };
    });
    return tf.reshape(op(re, im), shape);
  });
}
