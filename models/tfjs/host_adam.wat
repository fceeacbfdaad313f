;; One Adam step over one parameter in the tfjs wasm backend's own heap (models/tfjs/host_adam_wasm.ts runs it):
;; the moments m and v are updated in place and the new parameter written to `out`, tf.train.adam's float32
;; operations in its order, so the results are its kernels' bit for bit (f32x4 arithmetic is IEEE single).
;; The memory is the backend's, imported; it is declared unshared here and marked shared when loaded beside the
;; threaded backend, whose memory is shared (an import must match the memory's sharing).
(module
  (import "env" "memory" (memory 1 65536))
  ;; g, m, v, w, out: byte offsets of float32 arrays of n elements; b1, b2: beta1, beta2; r1, r2: 1 - each;
  ;; d1, d2: 1 - beta^t; rate: -learning rate; eps: epsilon.
  (func (export "adam") (param $g i32) (param $m i32) (param $v i32) (param $w i32) (param $out i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $r1 f32) (param $r2 f32) (param $d1 f32) (param $d2 f32) (param $rate f32) (param $eps f32)
    (local $o i32) (local $vend i32) (local $end i32)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $B1 v128) (local $B2 v128) (local $R1 v128) (local $R2 v128) (local $D1 v128) (local $D2 v128) (local $RATE v128) (local $EPS v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $R1 (f32x4.splat (local.get $r1)))
    (local.set $R2 (f32x4.splat (local.get $r2)))
    (local.set $D1 (f32x4.splat (local.get $d1)))
    (local.set $D2 (f32x4.splat (local.get $d2)))
    (local.set $RATE (f32x4.splat (local.get $rate)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    ;; four elements at a time
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $vend)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $mi (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
          (f32x4.mul (local.get $gi) (local.get $R1))))
        (local.set $vi (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $R2))))
        (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mi))
        (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vi))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mi) (local.get $D1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vi) (local.get $D2))) (local.get $EPS)))
              (local.get $RATE))
            (v128.load (i32.add (local.get $w) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next)))
    ;; the last n mod 4, one at a time
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $r1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $r2))))
        (f32.store (i32.add (local.get $m) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $d1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $d2))) (local.get $eps)))
              (local.get $rate))
            (f32.load (i32.add (local.get $w) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $one)))))
