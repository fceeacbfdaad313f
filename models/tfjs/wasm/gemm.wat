;; C (M, N) = A B, plus C when $add, else plus the row $bias (N floats) when it is not 0; float32, for the tfjs wasm
;; backend's products (models/tfjs/wasm/gemm.ts), one thread's share. A (M, K) is read at a + m $ars + k $acs bytes and
;; B (K, N) at b + k $brs + n $bcs, so either operand may be transposed in place; C's rows are $ldc bytes apart.
;; B is packed, K in blocks of 256, into panels of 8 columns (zero beyond N) in $work, or was packed whole by `pack` at
;; $packed (not 0); each 4-row by 8-column tile of C then keeps its 8 running sums in registers over the block, one
;; fused multiply-add per 4 products (relaxed SIMD's f32x4.relaxed_madd: an FMA on x86 and ARM, a multiply and an add
;; elsewhere; either way each sum is the same products in the same order up to that one rounding).
;; $work holds 128 + 256 * 32 * ceil(N / 8) bytes (128 with $packed): the edge tile, then the packed block of B.
;; The memory is the backend's, imported; declared unshared here and marked shared when loaded beside the threaded
;; backend (heap_module.ts).
(module
  (memory (import "env" "memory") 1 65536)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32)
    (param $ars i32) (param $acs i32) (param $brs i32) (param $bcs i32) (param $ldc i32) (param $bias i32) (param $add i32)
    (param $packed i32) (param $work i32)
    (local $np i32) (local $k0 i32) (local $kc i32) (local $p i32) (local $j i32) (local $m i32)
    (local $rows i32) (local $cols i32) (local $first i32) (local $dst i32) (local $bp i32) (local $q i32)
    (local $end i32) (local $base i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $out i32) (local $r i32) (local $x v128)
    (local $b0 v128) (local $b1 v128) (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $np (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $k0) (local.get $K)))
        (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
        (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
        ;; B's rows k0 .. k0 + kc in panels: packed here into $work + 128, or already in $packed (all blocks, `pack`)
        (if (local.get $packed)
          (then (local.set $base (i32.add (local.get $packed) (i32.shl (i32.mul (local.get $k0) (local.get $np)) (i32.const 5)))))
          (else
            (local.set $base (i32.add (local.get $work) (i32.const 128)))
            (call $pack_block (local.get $b) (local.get $k0) (local.get $kc) (local.get $N) (local.get $brs) (local.get $bcs)
              (local.get $base))))
        (local.set $first (i32.and (i32.eqz (local.get $k0)) (i32.eqz (local.get $add))))
        (local.set $m (i32.const 0))
        (block $tiles_done
          (loop $tiles
            (br_if $tiles_done (i32.ge_u (local.get $m) (local.get $M)))
            (local.set $rows (i32.sub (local.get $M) (local.get $m)))
            (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
            ;; rows past M read the last row again (in bounds; their sums are not stored)
            (local.set $o1 (select (local.get $ars) (i32.const 0) (i32.gt_u (local.get $rows) (i32.const 1))))
            (local.set $o2 (select (i32.shl (local.get $ars) (i32.const 1)) (local.get $o1) (i32.gt_u (local.get $rows) (i32.const 2))))
            (local.set $o3 (select (i32.mul (local.get $ars) (i32.const 3)) (local.get $o2) (i32.gt_u (local.get $rows) (i32.const 3))))
            (local.set $p (i32.const 0))
            (block $panels_done
              (loop $panels
                (br_if $panels_done (i32.ge_u (local.get $p) (local.get $np)))
                (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
                (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
                (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
                (local.set $bp (i32.add (local.get $base) (i32.shl (i32.mul (local.get $p) (local.get $kc)) (i32.const 5))))
                (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
                (local.set $q (i32.add (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ars)))
                  (i32.mul (local.get $k0) (local.get $acs))))
                (block $k_done
                  (loop $ks
                    (br_if $k_done (i32.ge_u (local.get $bp) (local.get $end)))
                    (local.set $b0 (v128.load (local.get $bp)))
                    (local.set $b1 (v128.load offset=16 (local.get $bp)))
                    (local.set $x (v128.load32_splat (local.get $q)))
                    (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
                    (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
                    (local.set $x (v128.load32_splat (i32.add (local.get $q) (local.get $o1))))
                    (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
                    (local.set $c11 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c11)))
                    (local.set $x (v128.load32_splat (i32.add (local.get $q) (local.get $o2))))
                    (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
                    (local.set $c21 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c21)))
                    (local.set $x (v128.load32_splat (i32.add (local.get $q) (local.get $o3))))
                    (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
                    (local.set $c31 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31)))
                    (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
                    (local.set $q (i32.add (local.get $q) (local.get $acs)))
                    (br $ks)))
                (local.set $cols (i32.sub (local.get $N) (i32.shl (local.get $p) (i32.const 3))))
                (local.set $out (i32.add (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $ldc)))
                  (i32.shl (local.get $p) (i32.const 5))))
                (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.ge_u (local.get $cols) (i32.const 8)))
                  (then
                    (local.set $r (local.get $ldc))
                    (if (i32.and (local.get $first) (i32.ne (local.get $bias) (i32.const 0)))
                      (then
                        (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $p) (i32.const 5)))))
                        (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $p) (i32.const 5)))))
                        (local.set $c00 (f32x4.add (local.get $c00) (local.get $b0)))
                        (local.set $c01 (f32x4.add (local.get $c01) (local.get $b1)))
                        (local.set $c10 (f32x4.add (local.get $c10) (local.get $b0)))
                        (local.set $c11 (f32x4.add (local.get $c11) (local.get $b1)))
                        (local.set $c20 (f32x4.add (local.get $c20) (local.get $b0)))
                        (local.set $c21 (f32x4.add (local.get $c21) (local.get $b1)))
                        (local.set $c30 (f32x4.add (local.get $c30) (local.get $b0)))
                        (local.set $c31 (f32x4.add (local.get $c31) (local.get $b1)))))
                    (if (i32.eqz (local.get $first))
                      (then
                        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $out))))
                        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $out))))
                        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $out) (local.get $r)))))
                        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $out) (local.get $r)))))
                        (local.set $c20 (f32x4.add (local.get $c20)
                          (v128.load (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 1))))))
                        (local.set $c21 (f32x4.add (local.get $c21)
                          (v128.load offset=16 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 1))))))
                        (local.set $c30 (f32x4.add (local.get $c30)
                          (v128.load (i32.add (local.get $out) (i32.mul (local.get $r) (i32.const 3))))))
                        (local.set $c31 (f32x4.add (local.get $c31)
                          (v128.load offset=16 (i32.add (local.get $out) (i32.mul (local.get $r) (i32.const 3))))))))
                    (v128.store (local.get $out) (local.get $c00))
                    (v128.store offset=16 (local.get $out) (local.get $c01))
                    (v128.store (i32.add (local.get $out) (local.get $r)) (local.get $c10))
                    (v128.store offset=16 (i32.add (local.get $out) (local.get $r)) (local.get $c11))
                    (v128.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 1))) (local.get $c20))
                    (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 1))) (local.get $c21))
                    (v128.store (i32.add (local.get $out) (i32.mul (local.get $r) (i32.const 3))) (local.get $c30))
                    (v128.store offset=16 (i32.add (local.get $out) (i32.mul (local.get $r) (i32.const 3))) (local.get $c31)))
                  (else
                    ;; an edge tile: the sums to the tile in $work, then the rows and columns inside C one at a time
                    (v128.store (local.get $work) (local.get $c00)) (v128.store offset=16 (local.get $work) (local.get $c01))
                    (v128.store offset=32 (local.get $work) (local.get $c10)) (v128.store offset=48 (local.get $work) (local.get $c11))
                    (v128.store offset=64 (local.get $work) (local.get $c20)) (v128.store offset=80 (local.get $work) (local.get $c21))
                    (v128.store offset=96 (local.get $work) (local.get $c30)) (v128.store offset=112 (local.get $work) (local.get $c31))
                    (if (i32.gt_u (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
                    (local.set $r (i32.const 0))
                    (block $edge_done
                      (loop $edge_rows
                        (br_if $edge_done (i32.ge_u (local.get $r) (local.get $rows)))
                        (local.set $j (i32.const 0))
                        (block $edge_cols_done
                          (loop $edge_cols
                            (br_if $edge_cols_done (i32.ge_u (local.get $j) (local.get $cols)))
                            (local.set $dst (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $ldc)))
                              (i32.shl (local.get $j) (i32.const 2))))
                            ;; what the sum adds to: C, else the bias (read at address 0 + ... when there is none: in
                            ;; bounds, not used), else 0
                            (f32.store (local.get $dst)
                              (f32.add
                                (f32.load (i32.add (local.get $work) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
                                (select
                                  (select
                                    (f32.load (i32.add (local.get $bias) (i32.shl (i32.add (i32.shl (local.get $p) (i32.const 3)) (local.get $j)) (i32.const 2))))
                                    (f32.const 0)
                                    (local.get $bias))
                                  (f32.load (local.get $dst))
                                  (local.get $first))))
                            (local.set $j (i32.add (local.get $j) (i32.const 1)))
                            (br $edge_cols)))
                        (local.set $r (i32.add (local.get $r) (i32.const 1)))
                        (br $edge_rows)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $panels)))
            (local.set $m (i32.add (local.get $m) (i32.const 4)))
            (br $tiles)))
        (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
        (br $blocks))))
  ;; B's rows k0 .. k0 + kc (kc at most 256) as ceil(N / 8) panels of 8 columns (zero past N) at $dst: panel p, row kk
  ;; at $dst + (p kc + kk) 32
  (func $pack_block (param $b i32) (param $k0 i32) (param $kc i32) (param $N i32) (param $brs i32) (param $bcs i32) (param $dst i32)
    (local $np i32) (local $p i32) (local $j i32) (local $cols i32) (local $src i32) (local $end i32)
    (local.set $np (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (local.set $p (i32.const 0))
    (block $pack_done
      (loop $pack
        (br_if $pack_done (i32.ge_u (local.get $p) (local.get $np)))
        (local.set $cols (i32.sub (local.get $N) (i32.shl (local.get $p) (i32.const 3))))
        (local.set $src (i32.add (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $brs)))
          (i32.mul (i32.shl (local.get $p) (i32.const 3)) (local.get $bcs))))
        (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
        (if (i32.and (i32.eq (local.get $bcs) (i32.const 4)) (i32.ge_u (local.get $cols) (i32.const 8)))
          (then
            (block $rows_done
              (loop $rows
                (br_if $rows_done (i32.ge_u (local.get $dst) (local.get $end)))
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $brs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br $rows))))
          (else
            (block $rows_done
              (loop $rows
                (br_if $rows_done (i32.ge_u (local.get $dst) (local.get $end)))
                (local.set $j (i32.const 0))
                (block $cols_done
                  (loop $cols
                    (br_if $cols_done (i32.ge_u (local.get $j) (i32.const 8)))
                    (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                      (if (result f32) (i32.lt_u (local.get $j) (local.get $cols))
                        (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $bcs)))))
                        (else (f32.const 0))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $cols)))
                (local.set $src (i32.add (local.get $src) (local.get $brs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br $rows)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pack))))
  ;; All of B (K, N) packed for `gemm`'s $packed: block k0 (of 256 rows) at $dst + k0 ceil(N / 8) 32, as $pack_block lays
  ;; it out; K ceil(N / 8) 32 bytes in all. Shares of one product that all take every column of C pack it once this way.
  (func (export "pack") (param $b i32) (param $K i32) (param $N i32) (param $brs i32) (param $bcs i32) (param $dst i32)
    (local $k0 i32) (local $kc i32) (local $np i32)
    (local.set $np (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $k0) (local.get $K)))
        (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
        (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
        (call $pack_block (local.get $b) (local.get $k0) (local.get $kc) (local.get $N) (local.get $brs) (local.get $bcs)
          (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $k0) (local.get $np)) (i32.const 5))))
        (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
        (br $blocks))))
)
