import * as tf from "@tensorflow/tfjs";

/**
 * A k x k convolution over a grid (b, rows, cols, C) padded with k - 1 zeros above and to the left, so
 * output (r, c) reads cells (r' <= r, c' <= c) only: (b, rows, cols, C_out) for a kernel (k, k, C, C_out).
 * The k^2 shifted views side by side times the reshaped kernel, one product; not tf.conv2d, because
 * tfjs's wasm backend has no kernel for conv2d's filter gradient. Equals tf.conv2d ("valid") on the padded grid.
 */
export function causalConv2d(grid: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, rows, cols, C] = grid.shape;
    const k = kernel.shape[0]!, out = kernel.shape[3]!;
    const padded = k > 1 ? tf.pad(grid, [[0, 0], [k - 1, 0], [k - 1, 0], [0, 0]]) : grid;
    // tap (i, j) reads padded cell (r + i, c + j), in the kernel's (i, j, channel) order
    const taps = Array.from({ length: k * k }, (_, t) => tf.slice(padded, [0, Math.floor(t / k), t % k, 0], [b, rows, cols, C]));
    const stacked = tf.reshape(taps.length === 1 ? taps[0] : tf.concat(taps, 3), [b * rows * cols, k * k * C]);
    return tf.reshape(tf.add(tf.matMul(stacked, tf.reshape(kernel, [k * k * C, out])), bias), [b, rows, cols, out]);
  });
}

/**
 * The kernel of the mean of causal k x k convolutions for kernels of sizes 1 .. K (each (k, k, C, C_out)):
 * a causal k x k kernel reads the bottom-right corner of the K x K window, so the mean of the
 * convolutions is one convolution with the mean of the kernels zero-padded above and to the left.
 */
export function meanCausalKernel(kernels: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const K = kernels.length;
    const padded = kernels.map((w) => {
      const k = w.shape[0]!;
      return k < K ? tf.pad(w, [[K - k, 0], [K - k, 0], [0, 0], [0, 0]]) : w;
    });
    return K === 1 ? padded[0] : tf.div(tf.addN(padded), K);
  });
}
