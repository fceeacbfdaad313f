;; Transposes a row-major (rows, cols) matrix of 4-byte elements into (cols, rows), over the tfjs wasm backend's heap
;; (models/tfjs/wasm/transpose.ts runs it): 4 x 4 blocks moved with four loads, eight shuffles and four stores, in
;; strips of 64 columns so that the strip's destination rows stay in cache while the source is read row-block by
;; row-block. tfjs's own Transpose moves one element at a time (~6 ns an element here).
;; The memory is the backend's, imported; declared unshared here and marked shared beside the threaded backend.
(module
  (import "env" "memory" (memory 1 65536))

  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $jb i32) (local $jend i32) (local $rows4 i32) (local $cols4 i32)
    (local $s i32) (local $d i32) (local $sr i32) (local $dr i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    ;; row stride of the source and of the destination, in bytes
    (local.set $sr (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dr (i32.shl (local.get $rows) (i32.const 2)))
    (block $strips_done
      (loop $strips
        (br_if $strips_done (i32.ge_u (local.get $jb) (local.get $cols4)))
        (local.set $jend (select (i32.add (local.get $jb) (i32.const 64)) (local.get $cols4)
          (i32.lt_u (i32.add (local.get $jb) (i32.const 64)) (local.get $cols4))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $rowblocks
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows4)))
            (local.set $j (local.get $jb))
            (block $cols_done
              (loop $colblocks
                (br_if $cols_done (i32.ge_u (local.get $j) (local.get $jend)))
                (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
                (local.set $r0 (v128.load (local.get $s)))
                (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $sr))))
                (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $sr) (i32.const 1)))))
                (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $sr) (i32.const 3)))))
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2))))
                (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $d) (local.get $dr))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $d) (i32.shl (local.get $dr) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store (i32.add (local.get $d) (i32.mul (local.get $dr) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $colblocks)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rowblocks)))
        (local.set $jb (local.get $jend))
        (br $strips)))
    ;; the last rows mod 4 (columns up to cols4), then the last cols mod 4 (every row), one element at a time
    (local.set $i (local.get $rows4))
    (block $tail_rows_done
      (loop $tail_rows
        (br_if $tail_rows_done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $tr_done
          (loop $tr
            (br_if $tr_done (i32.ge_u (local.get $j) (local.get $cols4)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tr)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail_rows)))
    (local.set $i (i32.const 0))
    (block $tail_cols_done
      (loop $tail_cols
        (br_if $tail_cols_done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (local.get $cols4))
        (block $tc_done
          (loop $tc
            (br_if $tc_done (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail_cols)))))
