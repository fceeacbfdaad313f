;; Sums the rows of a row-major (n, m) float32 matrix into m columns, over the tfjs wasm backend's heap
;; (models/tfjs/wasm/sum_rows.ts runs it): one pass, four columns at a time, the m sums staying in cache.
;; `dst` must hold zeros. The memory is the backend's, imported; declared unshared, marked shared beside the threaded build.
(module
  (import "env" "memory" (memory 1 65536))

  (func (export "sumRows") (param $src i32) (param $dst i32) (param $n i32) (param $m i32)
    (local $i i32) (local $j i32) (local $row i32) (local $m4 i32) (local $mb i32)
    (local.set $mb (i32.shl (local.get $m) (i32.const 2)))
    (local.set $m4 (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $mb))))
        (local.set $j (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $j) (local.get $m4)))
            (v128.store (i32.add (local.get $dst) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j))) (v128.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $mb)))
            (f32.store (i32.add (local.get $dst) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $dst) (local.get $j))) (f32.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))))
