;; The pointwise part of one LSTM or GRU step, forward and backward, over the tfjs wasm backend's own heap
;; (models/tfjs/wasm/lstm_wasm.ts and gru_wasm.ts run them; the products h U and dz U^T are gemm.wat's). LSTM gate order
;; i, f, o, g; GRU r, z, n; rows of b samples, H units, H a multiple of 4; every array float32, row-major, addressed by
;; byte offset.
;; tanh(x) is 2 sigmoid(2x) - 1, as the unfused path computes it on wasm; exp is Cephes' expf (range reduction by ln 2
;; and a degree-6 polynomial, ~1 ulp), since WebAssembly has no exp.
;; The memory is the backend's, imported; declared unshared here and marked shared when loaded beside the threaded
;; backend (heap_module.ts).
(module
  (import "env" "memory" (memory 1 65536))

  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $k v128) (local $r v128) (local $p v128) (local $r2 v128)
    ;; pmin / pmax are one instruction each (min / max order NaN and -0 in several); a NaN x stays NaN either way
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.7))))
    ;; n = round(x / ln 2), ties to even, by adding and taking away 1.5 * 2^23 (exact for |n| < 2^22); the sum's low
    ;; mantissa bits are then n + 0x400000, read below as an integer (no float-to-int conversion)
    (local.set $n (f32x4.add (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341))) (f32x4.splat (f32.const 12582912))))
    (local.set $k (f32x4.sub (local.get $n) (f32x4.splat (f32.const 12582912))))
    ;; r = x - n ln 2, ln 2 in two parts
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    ;; Cephes' polynomial by Estrin's scheme (three short chains joined by r^2 and r^4), not Horner's six dependent
    ;; steps: a chain of dependent operations is what limited the LSTM's forward kernel (15 ms -> 9 ms per 60 steps of
    ;; 256 x 64 units, one thread; the same ~1.4e-7 worst relative error of a sigmoid over [-40, 40])
    (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.add (f32x4.mul (local.get $r) (f32x4.splat (f32.const 1.6666665459e-1))) (f32x4.splat (f32.const 5.0000001201e-1)))
        (f32x4.mul (local.get $r2)
          (f32x4.add (f32x4.mul (local.get $r) (f32x4.splat (f32.const 8.3334519073e-3))) (f32x4.splat (f32.const 4.1665795894e-2)))))
      (f32x4.mul (f32x4.mul (local.get $r2) (local.get $r2))
        (f32x4.add (f32x4.mul (local.get $r) (f32x4.splat (f32.const 1.9875691500e-4))) (f32x4.splat (f32.const 1.3981999507e-3))))))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (local.get $r2)) (local.get $r)) (f32x4.splat (f32.const 1))))
    ;; times 2^n, built in the exponent bits: (n + 127) << 23, n being the sum's bits less those of 1.5 * 2^23 (0x4b400000)
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.sub (local.get $n) (i32x4.splat (i32.const 0x4b3fff81))) (i32.const 23))))

  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp (f32x4.neg (local.get $x))))))

  (func $tanh (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.mul (call $sigmoid (f32x4.add (local.get $x) (local.get $x))) (f32x4.splat (f32.const 2)))
      (f32x4.splat (f32.const 1))))

  ;; A gate's pre-activation: (xz + bias) + hu, four units, at byte offsets.
  (func $z (param $xz i32) (param $bias i32) (param $hu i32) (result v128)
    (f32x4.add (f32x4.add (v128.load (local.get $xz)) (v128.load (local.get $bias))) (v128.load (local.get $hu))))

  ;; z = (xz + bias) + hu (b, 4H; bias 4H, zeros where the projection has its bias already); sig (b, 3H) =
  ;; sigmoid(z_i, z_f, z_o); g (b, H) = tanh(z_g); c = f c_prev + i g; tc = tanh(c); h = o tc, written to h and to hs
  ;; (the step's rows of every step's states).
  (func (export "lstm_forward") (param $xz i32) (param $hu i32) (param $cprev i32) (param $sig i32) (param $g i32) (param $c i32)
    (param $tc i32) (param $h i32) (param $hs i32) (param $b i32) (param $H i32) (param $bias i32)
    (local $r i32) (local $j i32) (local $z4 i32) (local $zb i32) (local $s3 i32) (local $s1 i32) (local $hb i32)
    (local $i v128) (local $f v128) (local $o v128) (local $gg v128) (local $cn v128) (local $t v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            ;; byte offsets of unit j in row r of a (b, 4H), (b, 3H) and (b, H) array, and in the bias
            (local.set $z4 (i32.add (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 2))) (local.get $j)))
            (local.set $zb (i32.add (local.get $bias) (local.get $j)))
            (local.set $s3 (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            (local.set $i (call $sigmoid (call $z (i32.add (local.get $xz) (local.get $z4)) (local.get $zb) (i32.add (local.get $hu) (local.get $z4)))))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            (local.set $zb (i32.add (local.get $zb) (local.get $hb)))
            (local.set $f (call $sigmoid (call $z (i32.add (local.get $xz) (local.get $z4)) (local.get $zb) (i32.add (local.get $hu) (local.get $z4)))))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            (local.set $zb (i32.add (local.get $zb) (local.get $hb)))
            (local.set $o (call $sigmoid (call $z (i32.add (local.get $xz) (local.get $z4)) (local.get $zb) (i32.add (local.get $hu) (local.get $z4)))))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            (local.set $zb (i32.add (local.get $zb) (local.get $hb)))
            (local.set $gg (call $tanh (call $z (i32.add (local.get $xz) (local.get $z4)) (local.get $zb) (i32.add (local.get $hu) (local.get $z4)))))
            (v128.store (i32.add (local.get $sig) (local.get $s3)) (local.get $i))
            (v128.store (i32.add (local.get $sig) (i32.add (local.get $s3) (local.get $hb))) (local.get $f))
            (v128.store (i32.add (local.get $sig) (i32.add (local.get $s3) (i32.shl (local.get $hb) (i32.const 1)))) (local.get $o))
            (v128.store (i32.add (local.get $g) (local.get $s1)) (local.get $gg))
            (local.set $cn (f32x4.add (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cprev) (local.get $s1))))
              (f32x4.mul (local.get $i) (local.get $gg))))
            (v128.store (i32.add (local.get $c) (local.get $s1)) (local.get $cn))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    ;; then tc = tanh(c) and h = o tc in a second pass: apart, the four gates' exps are independent work that overlaps,
    ;; and so are the tanh of neighbouring units; in one pass the tanh waited on the gates (one thread, 60 steps of
    ;; 256 x 64 units: 8.7 -> 6.6 ms, medians of 12)
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $s3 (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            (local.set $t (call $tanh (v128.load (i32.add (local.get $c) (local.get $s1)))))
            (v128.store (i32.add (local.get $tc) (local.get $s1)) (local.get $t))
            (local.set $t (f32x4.mul (v128.load (i32.add (local.get $sig) (i32.add (local.get $s3) (i32.shl (local.get $hb) (i32.const 1)))))
              (local.get $t)))
            (v128.store (i32.add (local.get $h) (local.get $s1)) (local.get $t))
            (v128.store (i32.add (local.get $hs) (local.get $s1)) (local.get $t))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; dh = dhu + dy (dhu: the next step's dz U^T); dc += dh o (1 - tc^2); dz (b, 4H) = [dc g i(1-i), dc c_prev f(1-f),
  ;; dh tc o(1-o), dc i (1-g^2)], written to dz and to dxz (the step's rows of every step's dz); then dc = dc f, in place.
  (func (export "lstm_backward") (param $dy i32) (param $dhu i32) (param $dc i32) (param $sig i32) (param $g i32) (param $cprev i32)
    (param $tc i32) (param $dz i32) (param $dxz i32) (param $b i32) (param $H i32)
    (local $r i32) (local $j i32) (local $z4 i32) (local $s3 i32) (local $s1 i32) (local $hb i32)
    (local $i v128) (local $f v128) (local $o v128) (local $gg v128) (local $t v128) (local $dh v128) (local $d v128) (local $one v128)
    (local $x v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $z4 (i32.add (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 2))) (local.get $j)))
            (local.set $s3 (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            (local.set $i (v128.load (i32.add (local.get $sig) (local.get $s3))))
            (local.set $f (v128.load (i32.add (local.get $sig) (i32.add (local.get $s3) (local.get $hb)))))
            (local.set $o (v128.load (i32.add (local.get $sig) (i32.add (local.get $s3) (i32.shl (local.get $hb) (i32.const 1))))))
            (local.set $gg (v128.load (i32.add (local.get $g) (local.get $s1))))
            (local.set $t (v128.load (i32.add (local.get $tc) (local.get $s1))))
            (local.set $dh (f32x4.add (v128.load (i32.add (local.get $dhu) (local.get $s1))) (v128.load (i32.add (local.get $dy) (local.get $s1)))))
            (local.set $d (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $s1)))
              (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $t) (local.get $t))))))
            ;; dz_i
            (local.set $x (f32x4.mul (f32x4.mul (local.get $d) (local.get $gg)) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i)))))
            (v128.store (i32.add (local.get $dz) (local.get $z4)) (local.get $x))
            (v128.store (i32.add (local.get $dxz) (local.get $z4)) (local.get $x))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            ;; dz_f
            (local.set $x (f32x4.mul (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $cprev) (local.get $s1))))
              (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f)))))
            (v128.store (i32.add (local.get $dz) (local.get $z4)) (local.get $x))
            (v128.store (i32.add (local.get $dxz) (local.get $z4)) (local.get $x))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            ;; dz_o
            (local.set $x (f32x4.mul (f32x4.mul (local.get $dh) (local.get $t)) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o)))))
            (v128.store (i32.add (local.get $dz) (local.get $z4)) (local.get $x))
            (v128.store (i32.add (local.get $dxz) (local.get $z4)) (local.get $x))
            (local.set $z4 (i32.add (local.get $z4) (local.get $hb)))
            ;; dz_g
            (local.set $x (f32x4.mul (f32x4.mul (local.get $d) (local.get $i)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $gg) (local.get $gg)))))
            (v128.store (i32.add (local.get $dz) (local.get $z4)) (local.get $x))
            (v128.store (i32.add (local.get $dxz) (local.get $z4)) (local.get $x))
            (v128.store (i32.add (local.get $dc) (local.get $s1)) (f32x4.mul (local.get $d) (local.get $f)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
;; GRU ("reset after", as cuDNN and PyTorch; models/gru/gru_op.ts): with pre = xz + bias (b, 3H; bias 3H) and
  ;; hz = h U + bh, r = sigmoid(pre_r + hz_r), z = sigmoid(pre_z + hz_z), hn = hz_n, n = tanh(pre_n + r hn), and
  ;; h' = n + z (h - n), in place over h (b, H) and written to hs (the step's rows of every step's states). Saved for the
  ;; backward pass: rz (b, 2H), hn and n (b, H). hz is h U without bh (zero at the first step: h starts zeroed).
  (func (export "gru_forward") (param $xz i32) (param $hz i32) (param $bias i32) (param $bh i32) (param $rz i32) (param $hn i32)
    (param $n i32) (param $h i32) (param $hs i32) (param $b i32) (param $H i32)
    (local $r i32) (local $j i32) (local $z3 i32) (local $s2 i32) (local $s1 i32) (local $hb i32) (local $t v128) (local $x v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    ;; the two sigmoids first, for every unit; then n and h in a second pass (as the LSTM's forward: the exps of a pass
    ;; are independent work that overlaps, where n would wait on r)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            ;; byte offsets of unit j in row r of a (b, 3H) and a (b, 2H) array
            (local.set $z3 (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))
            (local.set $s2 (i32.add (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            (v128.store (i32.add (local.get $rz) (local.get $s2))
              (call $sigmoid (call $gru_pre (local.get $xz) (local.get $hz) (local.get $bias) (local.get $bh) (local.get $z3) (local.get $j))))
            (v128.store (i32.add (local.get $rz) (i32.add (local.get $s2) (local.get $hb)))
              (call $sigmoid (call $gru_pre (local.get $xz) (local.get $hz) (local.get $bias) (local.get $bh)
                (i32.add (local.get $z3) (local.get $hb)) (i32.add (local.get $j) (local.get $hb)))))
            (local.set $z3 (i32.add (local.get $z3) (i32.shl (local.get $hb) (i32.const 1))))
            (v128.store (i32.add (local.get $hn) (local.get $s1))
              (f32x4.add (v128.load (i32.add (local.get $hz) (local.get $z3)))
                (v128.load (i32.add (local.get $bh) (i32.add (local.get $j) (i32.shl (local.get $hb) (i32.const 1)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $z3 (i32.add (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j))
              (i32.shl (local.get $hb) (i32.const 1))))
            (local.set $s2 (i32.add (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            ;; n = tanh((xz_n + bias_n) + r hn)
            (local.set $t (call $tanh (f32x4.add
              (f32x4.add (v128.load (i32.add (local.get $xz) (local.get $z3)))
                (v128.load (i32.add (local.get $bias) (i32.add (local.get $j) (i32.shl (local.get $hb) (i32.const 1))))))
              (f32x4.mul (v128.load (i32.add (local.get $rz) (local.get $s2))) (v128.load (i32.add (local.get $hn) (local.get $s1)))))))
            (v128.store (i32.add (local.get $n) (local.get $s1)) (local.get $t))
            ;; h' = n + z (h - n)
            (local.set $x (f32x4.add (local.get $t)
              (f32x4.mul (v128.load (i32.add (local.get $rz) (i32.add (local.get $s2) (local.get $hb))))
                (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $s1))) (local.get $t)))))
            (v128.store (i32.add (local.get $h) (local.get $s1)) (local.get $x))
            (v128.store (i32.add (local.get $hs) (local.get $s1)) (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; A GRU gate's pre-activation, four units: (xz + bias) + (hz + bh), at the byte offset $at of a (b, 3H) row and $j
  ;; of the 3H biases.
  (func $gru_pre (param $xz i32) (param $hz i32) (param $bias i32) (param $bh i32) (param $at i32) (param $j i32) (result v128)
    (f32x4.add
      (f32x4.add (v128.load (i32.add (local.get $xz) (local.get $at))) (v128.load (i32.add (local.get $bias) (local.get $j))))
      (f32x4.add (v128.load (i32.add (local.get $hz) (local.get $at))) (v128.load (i32.add (local.get $bh) (local.get $j))))))

  ;; dh = (dy + dhu) + carry (dhu: the next step's dhz U^T, carry: its dh z); dn = dh (1 - z)(1 - n^2);
  ;; dr = dn hn r (1 - r); dz = dh (h_prev - n) z (1 - z); the inputs' gradient [dr, dz, dn] to dxz and the recurrent
  ;; product's [dr, dz, dn r] to dhz (the step's rows of whole-sequence arrays, b x 3H); then carry = dh z, in place.
  (func (export "gru_backward") (param $dy i32) (param $dhu i32) (param $carry i32) (param $rz i32) (param $hn i32) (param $n i32)
    (param $hprev i32) (param $dxz i32) (param $dhz i32) (param $b i32) (param $H i32)
    (local $r i32) (local $j i32) (local $z3 i32) (local $s2 i32) (local $s1 i32) (local $hb i32)
    (local $rr v128) (local $z v128) (local $nn v128) (local $dh v128) (local $dn v128) (local $x v128) (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $b)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $z3 (i32.add (i32.mul (local.get $r) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))
            (local.set $s2 (i32.add (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))
            (local.set $s1 (i32.add (i32.mul (local.get $r) (local.get $hb)) (local.get $j)))
            (local.set $rr (v128.load (i32.add (local.get $rz) (local.get $s2))))
            (local.set $z (v128.load (i32.add (local.get $rz) (i32.add (local.get $s2) (local.get $hb)))))
            (local.set $nn (v128.load (i32.add (local.get $n) (local.get $s1))))
            (local.set $dh (f32x4.add
              (f32x4.add (v128.load (i32.add (local.get $dy) (local.get $s1))) (v128.load (i32.add (local.get $dhu) (local.get $s1))))
              (v128.load (i32.add (local.get $carry) (local.get $s1)))))
            (local.set $dn (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (local.get $one) (local.get $z)))
              (f32x4.sub (local.get $one) (f32x4.mul (local.get $nn) (local.get $nn)))))
            ;; dr
            (local.set $x (f32x4.mul (f32x4.mul (local.get $dn) (v128.load (i32.add (local.get $hn) (local.get $s1))))
              (f32x4.mul (local.get $rr) (f32x4.sub (local.get $one) (local.get $rr)))))
            (v128.store (i32.add (local.get $dxz) (local.get $z3)) (local.get $x))
            (v128.store (i32.add (local.get $dhz) (local.get $z3)) (local.get $x))
            (local.set $z3 (i32.add (local.get $z3) (local.get $hb)))
            ;; dz
            (local.set $x (f32x4.mul
              (f32x4.mul (local.get $dh) (f32x4.sub (v128.load (i32.add (local.get $hprev) (local.get $s1))) (local.get $nn)))
              (f32x4.mul (local.get $z) (f32x4.sub (local.get $one) (local.get $z)))))
            (v128.store (i32.add (local.get $dxz) (local.get $z3)) (local.get $x))
            (v128.store (i32.add (local.get $dhz) (local.get $z3)) (local.get $x))
            (local.set $z3 (i32.add (local.get $z3) (local.get $hb)))
            ;; dn, and dn r for the product
            (v128.store (i32.add (local.get $dxz) (local.get $z3)) (local.get $dn))
            (v128.store (i32.add (local.get $dhz) (local.get $z3)) (f32x4.mul (local.get $dn) (local.get $rr)))
            (v128.store (i32.add (local.get $carry) (local.get $s1)) (f32x4.mul (local.get $dh) (local.get $z)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
)
