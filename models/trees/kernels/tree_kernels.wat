;; The trees' hot loops as WebAssembly (models/trees/kernels/kernels.ts loads them). The same loops in JavaScript ran
;; 1.2-1.4x slower in Chromium's V8 than in Deno's (typed-array access costs more where V8 compresses pointers and
;; sandboxes array buffers); compiled WebAssembly runs at one speed in both, and faster than either's JavaScript.
;; Every pointer is a byte offset into the one memory; every sum is float64 in row order, as the JavaScript was, so
;; the results are the same bits. Regenerate tree_kernels_wasm.ts after an edit: `npm run wasm`.
(module
  (memory (export "memory") 1)

  ;; gather: out[k * C + c] = stats[order[k] * C + c] (float32 widened to float64) for the m rows at `order`.
  (func (export "gather") (param $order i32) (param $m i32) (param $stats i32) (param $C i32) (param $out i32)
    (local $end i32) (local $src i32) (local $stop i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $end (i32.add (local.get $order) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $order) (local.get $end)))
      (loop $rows
        (local.set $src (i32.add (local.get $stats) (i32.mul (i32.load (local.get $order)) (local.get $stride))))
        (local.set $stop (i32.add (local.get $src) (local.get $stride)))
        (loop $channels
          (f64.store (local.get $out) (f64.promote_f32 (f32.load (local.get $src))))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (br_if $channels (i32.lt_u (local.get $src) (local.get $stop))))
        (local.set $order (i32.add (local.get $order) (i32.const 4)))
        (br_if $rows (i32.lt_u (local.get $order) (local.get $end))))))

  ;; hist2x4: two channels (gradient, hessian), four features per pass over the rows, sharing the row and statistics
  ;; loads. c0..c3 point at the features' bin columns, h0..h3 at their 256 x 2 histograms; gh holds the m gathered rows.
  ;; A pass over fewer features points the spare histograms at scratch.
  (func (export "hist2x4") (param $idx i32) (param $m i32) (param $gh i32)
        (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32)
        (param $h0 i32) (param $h1 i32) (param $h2 i32) (param $h3 i32)
    (local $end i32) (local $i i32) (local $g f64) (local $h f64) (local $o i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
      (loop $rows
        (local.set $i (i32.load (local.get $idx)))
        (local.set $g (f64.load (local.get $gh)))
        (local.set $h (f64.load offset=8 (local.get $gh)))
        (local.set $o (i32.add (local.get $h0) (i32.shl (i32.load8_u (i32.add (local.get $c0) (local.get $i))) (i32.const 4))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $g)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $h)))
        (local.set $o (i32.add (local.get $h1) (i32.shl (i32.load8_u (i32.add (local.get $c1) (local.get $i))) (i32.const 4))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $g)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $h)))
        (local.set $o (i32.add (local.get $h2) (i32.shl (i32.load8_u (i32.add (local.get $c2) (local.get $i))) (i32.const 4))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $g)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $h)))
        (local.set $o (i32.add (local.get $h3) (i32.shl (i32.load8_u (i32.add (local.get $c3) (local.get $i))) (i32.const 4))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $g)))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (local.get $h)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $gh (i32.add (local.get $gh) (i32.const 16)))
        (br_if $rows (i32.lt_u (local.get $idx) (local.get $end))))))

  ;; hist: any number of channels C, one feature: hist[col[i] * C + c] += gh[k * C + c] for the m rows at idx.
  (func (export "hist") (param $idx i32) (param $m i32) (param $gh i32) (param $C i32) (param $col i32) (param $hist i32)
    (local $end i32) (local $o i32) (local $stop i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $C) (i32.const 3)))
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
      (loop $rows
        (local.set $o (i32.add (local.get $hist)
          (i32.mul (i32.load8_u (i32.add (local.get $col) (i32.load (local.get $idx)))) (local.get $stride))))
        (local.set $stop (i32.add (local.get $o) (local.get $stride)))
        (loop $channels
          (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load (local.get $gh))))
          (local.set $o (i32.add (local.get $o) (i32.const 8)))
          (local.set $gh (i32.add (local.get $gh) (i32.const 8)))
          (br_if $channels (i32.lt_u (local.get $o) (local.get $stop))))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (br_if $rows (i32.lt_u (local.get $idx) (local.get $end))))))

  ;; partition: stable, in place: the n rows at `rows` whose bin in `col` goes left (bin 255 is missing: `defaultLeft`,
  ;; else bin <= `bin`) first, then the others by way of `scratch`. Returns how many went left. Branch-free: every row
  ;; is written to both sides and only one side's end moves, since a random split defeats branch prediction.
  (func (export "partition") (param $rows i32) (param $n i32) (param $col i32) (param $bin i32) (param $defaultLeft i32)
        (param $scratch i32) (result i32)
    (local $read i32) (local $end i32) (local $w i32) (local $r i32) (local $i i32) (local $b i32) (local $left i32)
    (local.set $read (local.get $rows))
    (local.set $w (local.get $rows))
    (local.set $r (local.get $scratch))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $read) (local.get $end)))
      (loop $each
        (local.set $i (i32.load (local.get $read)))
        (local.set $b (i32.load8_u (i32.add (local.get $col) (local.get $i))))
        (local.set $left (select (local.get $defaultLeft) (i32.le_u (local.get $b) (local.get $bin)) (i32.eq (local.get $b) (i32.const 255))))
        (i32.store (local.get $w) (local.get $i))
        (i32.store (local.get $r) (local.get $i))
        (local.set $w (i32.add (local.get $w) (i32.shl (local.get $left) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.shl (i32.xor (local.get $left) (i32.const 1)) (i32.const 2))))
        (local.set $read (i32.add (local.get $read) (i32.const 4)))
        (br_if $each (i32.lt_u (local.get $read) (local.get $end)))))
    (memory.copy (local.get $w) (local.get $scratch) (i32.sub (local.get $r) (local.get $scratch)))
    (i32.shr_u (i32.sub (local.get $w) (local.get $rows)) (i32.const 2)))

;; leaf: the address of the leaf node that row `row` of the row-major bins reaches. A node is 8 x int32 (32 bytes):
  ;; feature (-1 at a leaf), bin, default left (1 or 0), the addresses of its left and right children and of its values,
  ;; its index, and one unused: addresses, not indices, so the walk needs no multiplication and the leaf no division.
  (func $leaf (param $row i32) (param $node i32) (result i32)
    (local $f i32) (local $b i32)
    (block $leaf
      (loop $down
        (local.set $f (i32.load (local.get $node)))
        (br_if $leaf (i32.lt_s (local.get $f) (i32.const 0)))
        (local.set $b (i32.load8_u (i32.add (local.get $row) (local.get $f))))
        (local.set $node
          (select (i32.load offset=12 (local.get $node)) (i32.load offset=16 (local.get $node))
            (select (i32.load offset=8 (local.get $node)) (i32.le_u (local.get $b) (i32.load offset=4 (local.get $node)))
              (i32.eq (local.get $b) (i32.const 255)))))
        (br $down)))
    (local.get $node))

  ;; score: adds one tree's leaf values (nOut float64 per node) to scores (rows x 3 float64, from column `output`) for
  ;; every row of the row-major bins (`cols` per row); `root` is the address of node 0.
  (func (export "score") (param $bins i32) (param $rows i32) (param $cols i32) (param $root i32) (param $nOut i32)
        (param $output i32) (param $scores i32)
    (local $row i32) (local $end i32) (local $v i32) (local $out i32) (local $stop i32)
    (local.set $row (local.get $bins))
    (local.set $end (i32.add (local.get $bins) (i32.mul (local.get $rows) (local.get $cols))))
    (local.set $out (i32.add (local.get $scores) (i32.shl (local.get $output) (i32.const 3))))
    (block $done
      (br_if $done (i32.eqz (local.get $rows)))
      (loop $each
        (local.set $v (i32.load offset=20 (call $leaf (local.get $row) (local.get $root))))
        (local.set $stop (i32.add (local.get $out) (i32.shl (local.get $nOut) (i32.const 3))))
        (loop $outs
          (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.load (local.get $v))))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))
          (local.set $v (i32.add (local.get $v) (i32.const 8)))
          (br_if $outs (i32.lt_u (local.get $out) (local.get $stop))))
        ;; on to the next row's score column: 3 float64 per row, nOut of them just passed
        (local.set $out (i32.add (local.get $out) (i32.shl (i32.sub (i32.const 3) (local.get $nOut)) (i32.const 3))))
        (local.set $row (i32.add (local.get $row) (local.get $cols)))
        (br_if $each (i32.lt_u (local.get $row) (local.get $end))))))

  ;; leaves: each row's leaf (its node index) into `out` (rows x int32), for the row-major bins.
  (func (export "leaves") (param $bins i32) (param $rows i32) (param $cols i32) (param $root i32) (param $out i32)
    (local $row i32) (local $end i32)
    (local.set $row (local.get $bins))
    (local.set $end (i32.add (local.get $bins) (i32.mul (local.get $rows) (local.get $cols))))
    (block $done
      (br_if $done (i32.eqz (local.get $rows)))
      (loop $each
        (i32.store (local.get $out) (i32.load offset=24 (call $leaf (local.get $row) (local.get $root))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (local.get $cols)))
        (br_if $each (i32.lt_u (local.get $row) (local.get $end))))))
)
