;; 16-bit unsigned counts added into sums with 128-bit SIMD: the inner loops of a per-layer map
;; over a stack of raw counts. addScaledU16ToF64: dst[k] += w·src[k] and dst2[k] += e·src[k], each
;; a multiply then an add, as the scalar loop does (WebAssembly does not fuse them), so the
;; results are bit for bit the scalar loop's.
;; addU16PlanesToU32: dst[k] += Σ_p plane_p[k] into 32-bit integer sums, over a batch of planes
;; whose addresses are listed at $list: the sums are read and written once per batch. 32 bits hold
;; 65 537 planes of 16-bit counts exactly; drainU32ToF64 (dst[k] += src[k], src[k] := 0) moves
;; them into float64 sums before that. Half the bytes of float64 sums, so a window's sums stay in
;; cache and a batch can be a few planes (small runs of planes) at little cost. Integer sums
;; below 2^53 are exact in any order: the same numbers as plane by plane.
;; finishSums: a window's sums made into its map, written over part and extra: part[k] :=
;; (unit[k] + int[k]) + part[k] (the values; int: the 32-bit sums), extra[k] := extra[k] + values[k]
;; (the variances), and the totals of both summed in pixel order, one add at a time as the
;; JavaScript loop does (so they are its very numbers). Sums never added to are not read (and
;; need not be zeroed): $has bit 0, unit holds sums; bit 1, part and extra do. Without part, the
;; variance is the value (extra + value with extra 0, the same number).
;; sumCorrectedU16: a 16-bit plane's dead-time corrected sum and variance over a table of
;; (value, variance) pairs at $table, 16 bytes a count (counts at or above $size saturated:
;; satValue, satVariance, counted). Summed in four lanes, pixel k into lane k mod 4, each in
;; pixel order, the total (lane 0 + lane 1) + (lane 2 + lane 3), as the JavaScript loops do
;; (stack.ts laneTotal), so their very numbers: one running sum made each add wait for the one
;; before, and took twice as long. A pair is one 128-bit add.
;; sumCorrectedU16Runs: the same sums over an ROI's runs of pixels only (each pixel still into
;; lane k mod 4 of the whole plane), so an ROI profile reads only its pixels, at the same numbers.
;; addCorrectedU16: a 16-bit plane's dead-time corrected counts added into a window's values and
;; variances with weight w (w·value[i], w²·variance[i]; saturated counts: satW = w·satValue and
;; satW2 = w²·satValue², as the caller computes them), each pixel's saturation written to
;; $saturated (1 or 0); returns the saturated pixels. The scalar loop's operations in its order.
;; binU16: a 16-bit plane added into the bins of a volume slab: pixel (x, y) into the float64 at
;; $slab + (y / $by)·$rowBytes + cols[x] (cols: each column's byte offset in a bin row), its count
;; as it is when $size is 0, else dead-time corrected (table of $size values at $tv; counts at or
;; above it: $satValue, counted); returns the saturated pixels. The scalar loop's operations in
;; its order (pixels in row order, one add each), so its very numbers.
;; sumMinorU16Runs / addMinorU16Runs: a scan that takes the minor isotope (planeCorrection.ts
;; correctMinorByTable), over an ROI's runs of pixels: each pixel's (value, variance) is the
;; minor's table pair × ($factor, $f2) where the minor is below $size, else the saturated pair
;; where the major saturates too (at or above $size), else the major's table pair; pixels where
;; the major saturates are counted. sumMinorU16Runs sums the pairs as sumCorrectedU16Runs does
;; (lane k mod 4, one pixel at a time, the lanes' total as laneTotal); addMinorU16Runs adds w·value
;; and w²·variance into a window's values and variances (windowMaps.ts addCorrectedPlane). The
;; JavaScript loops' operations in their order: the per-pixel arrays between them are not made.
;; Source of addU16.wasm.ts (`npm run kernels` compiles it; a test checks the two agree).
(module
  (memory (export "memory") 1)
  (func (export "addU16PlanesToU32") (param $list i32) (param $count i32) (param $dst i32) (param $n i32)
    (local $off i32)
    (local $end i32)
    (local $p i32)
    (local $listEnd i32)
    (local $at i32)
    (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s i32)
    (local.set $listEnd (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 2))))
    ;; Whole groups of sixteen samples (32 bytes of each plane) first: four 32-bit accumulators.
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 1)))
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $a0 (v128.load offset=0 (local.get $dst)))
        (local.set $a1 (v128.load offset=16 (local.get $dst)))
        (local.set $a2 (v128.load offset=32 (local.get $dst)))
        (local.set $a3 (v128.load offset=48 (local.get $dst)))
        (local.set $p (local.get $list))
        (block $planes_done
          (loop $planes
            (br_if $planes_done (i32.ge_u (local.get $p) (local.get $listEnd)))
            (local.set $at (i32.add (i32.load (local.get $p)) (local.get $off)))
            (local.set $v (v128.load offset=0 (local.get $at)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extend_low_i16x8_u (local.get $v))))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extend_high_i16x8_u (local.get $v))))
            (local.set $v (v128.load offset=16 (local.get $at)))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.extend_low_i16x8_u (local.get $v))))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.extend_high_i16x8_u (local.get $v))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $planes)))
        (v128.store offset=0 (local.get $dst) (local.get $a0))
        (v128.store offset=16 (local.get $dst) (local.get $a1))
        (v128.store offset=32 (local.get $dst) (local.get $a2))
        (v128.store offset=48 (local.get $dst) (local.get $a3))
        (local.set $off (i32.add (local.get $off) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $groups)))
    ;; The rest one sample at a time, across the planes.
    (local.set $end (i32.shl (local.get $n) (i32.const 1)))
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $s (i32.load (local.get $dst)))
        (local.set $p (local.get $list))
        (block $rplanes_done
          (loop $rplanes
            (br_if $rplanes_done (i32.ge_u (local.get $p) (local.get $listEnd)))
            (local.set $s (i32.add (local.get $s) (i32.load16_u (i32.add (i32.load (local.get $p)) (local.get $off)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $rplanes)))
        (i32.store (local.get $dst) (local.get $s))
        (local.set $off (i32.add (local.get $off) (i32.const 2)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $rest))))
  (func (export "drainU32ToF64") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst)) (f64.convert_i32_u (i32.load (local.get $src)))))
        (i32.store (local.get $src) (i32.const 0))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br $pixels))))
  (func (export "finishSums") (param $int i32) (param $unit i32) (param $part i32) (param $extra i32) (param $n i32) (param $has i32) (result f64 f64)
    (local $end i32)
    (local $value f64)
    (local $variance f64)
    (local $total f64)
    (local $varianceTotal f64)
    (local $hasUnit i32)
    (local $hasPart i32)
    (local.set $hasUnit (i32.and (local.get $has) (i32.const 1)))
    (local.set $hasPart (i32.and (local.get $has) (i32.const 2)))
    (local.set $end (i32.add (local.get $int) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $int) (local.get $end)))
        ;; Whole-weight sums: exact integers, so their order does not matter.
        (local.set $value (f64.convert_i32_u (i32.load (local.get $int))))
        (if (local.get $hasUnit)
          (then (local.set $value (f64.add (f64.load (local.get $unit)) (local.get $value)))))
        (local.set $variance (local.get $value))
        (if (local.get $hasPart)
          (then
            (local.set $value (f64.add (local.get $value) (f64.load (local.get $part))))
            (local.set $variance (f64.add (f64.load (local.get $extra)) (local.get $value)))))
        (f64.store (local.get $part) (local.get $value))
        (f64.store (local.get $extra) (local.get $variance))
        (local.set $total (f64.add (local.get $total) (local.get $value)))
        (local.set $varianceTotal (f64.add (local.get $varianceTotal) (local.get $variance)))
        (local.set $int (i32.add (local.get $int) (i32.const 4)))
        (local.set $unit (i32.add (local.get $unit) (i32.const 8)))
        (local.set $part (i32.add (local.get $part) (i32.const 8)))
        (local.set $extra (i32.add (local.get $extra) (i32.const 8)))
        (br $pixels)))
    (local.get $total)
    (local.get $varianceTotal))
  (func (export "sumCorrectedU16") (param $plane i32) (param $n i32) (param $table i32) (param $size i32) (param $satValue f64) (param $satVariance f64) (result f64 f64 i32)
    (local $end i32)
    (local $i i32)
    (local $sat v128)
    (local $lane0 v128) (local $lane1 v128) (local $lane2 v128) (local $lane3 v128)
    (local $saturated i32)
    (local $total v128)
    ;; Each lane holds a (value, variance) pair; pixel k goes to lane k mod 4.
    (local.set $sat (f64x2.replace_lane 1 (f64x2.splat (local.get $satValue)) (local.get $satVariance)))
    (local.set $end (i32.add (local.get $plane) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 1))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $plane) (local.get $end)))
        (local.set $i (i32.load16_u offset=0 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane0 (f64x2.add (local.get $lane0) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane0 (f64x2.add (local.get $lane0) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $i (i32.load16_u offset=2 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane1 (f64x2.add (local.get $lane1) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane1 (f64x2.add (local.get $lane1) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $i (i32.load16_u offset=4 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane2 (f64x2.add (local.get $lane2) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane2 (f64x2.add (local.get $lane2) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $i (i32.load16_u offset=6 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane3 (f64x2.add (local.get $lane3) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane3 (f64x2.add (local.get $lane3) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 8)))
        (br $pixels)))
    ;; The last n mod 4 pixels: lanes 0, 1, 2 in turn.
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 1))))
    (if (i32.lt_u (local.get $plane) (local.get $end))
      (then
        (local.set $i (i32.load16_u offset=0 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane0 (f64x2.add (local.get $lane0) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane0 (f64x2.add (local.get $lane0) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 2)))))
    (if (i32.lt_u (local.get $plane) (local.get $end))
      (then
        (local.set $i (i32.load16_u offset=0 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane1 (f64x2.add (local.get $lane1) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane1 (f64x2.add (local.get $lane1) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 2)))))
    (if (i32.lt_u (local.get $plane) (local.get $end))
      (then
        (local.set $i (i32.load16_u offset=0 (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then (local.set $lane2 (f64x2.add (local.get $lane2) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
          (else
            (local.set $lane2 (f64x2.add (local.get $lane2) (local.get $sat)))
            (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))))
    (local.set $total (f64x2.add (f64x2.add (local.get $lane0) (local.get $lane1)) (f64x2.add (local.get $lane2) (local.get $lane3))))
    (f64x2.extract_lane 0 (local.get $total))
    (f64x2.extract_lane 1 (local.get $total))
    (local.get $saturated))
  ;; A depth profile's corrected plane sum over an ROI: only the pixels of the runs (pairs of
  ;; i32: first pixel index, length; ascending), each still into lane (pixel index) mod 4 of the
  ;; whole plane, in pixel order, so the sums are those of the whole-plane path over a plane
  ;; whose outside pixels count 0 (adding +0 leaves a lane as it is). A run's pixels go one at a
  ;; time until the index is a multiple of 4, then four at a time (lanes 0 to 3), then the rest.
  (func (export "sumCorrectedU16Runs") (param $plane i32) (param $runs i32) (param $runCount i32) (param $table i32) (param $size i32)
      (param $satValue f64) (param $satVariance f64) (result f64 f64 i32)
    (local $runsEnd i32)
    (local $k i32)
    (local $end i32)
    (local $at i32)
    (local $i i32)
    (local $pair v128)
    (local $sat v128)
    (local $lane0 v128) (local $lane1 v128) (local $lane2 v128) (local $lane3 v128)
    (local $saturated i32)
    (local $total v128)
    (local.set $sat (f64x2.replace_lane 1 (f64x2.splat (local.get $satValue)) (local.get $satVariance)))
    (local.set $runsEnd (i32.add (local.get $runs) (i32.shl (local.get $runCount) (i32.const 3))))
    (block $runsDone
      (loop $eachRun
        (br_if $runsDone (i32.ge_u (local.get $runs) (local.get $runsEnd)))
        (local.set $k (i32.load offset=0 (local.get $runs)))
        (local.set $end (i32.add (local.get $k) (i32.load offset=4 (local.get $runs))))
        (local.set $at (i32.add (local.get $plane) (i32.shl (local.get $k) (i32.const 1))))
        (block $runDone
          (loop $pixels
            (br_if $runDone (i32.ge_u (local.get $k) (local.get $end)))
            (if (i32.and (i32.eqz (i32.and (local.get $k) (i32.const 3))) (i32.le_u (i32.add (local.get $k) (i32.const 4)) (local.get $end)))
              (then
                ;; Four pixels from a multiple of 4: lanes 0, 1, 2, 3.
                (local.set $i (i32.load16_u offset=0 (local.get $at)))
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $lane0 (f64x2.add (local.get $lane0) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
                  (else
                    (local.set $lane0 (f64x2.add (local.get $lane0) (local.get $sat)))
                    (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
                (local.set $i (i32.load16_u offset=2 (local.get $at)))
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $lane1 (f64x2.add (local.get $lane1) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
                  (else
                    (local.set $lane1 (f64x2.add (local.get $lane1) (local.get $sat)))
                    (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
                (local.set $i (i32.load16_u offset=4 (local.get $at)))
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $lane2 (f64x2.add (local.get $lane2) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
                  (else
                    (local.set $lane2 (f64x2.add (local.get $lane2) (local.get $sat)))
                    (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
                (local.set $i (i32.load16_u offset=6 (local.get $at)))
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $lane3 (f64x2.add (local.get $lane3) (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4)))))))
                  (else
                    (local.set $lane3 (f64x2.add (local.get $lane3) (local.get $sat)))
                    (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (local.set $at (i32.add (local.get $at) (i32.const 8))))
              (else
                ;; One pixel into lane k mod 4 (a run's first pixels before a multiple of 4, or its last).
                (local.set $i (i32.load16_u (local.get $at)))
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $pair (v128.load (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 4))))))
                  (else
                    (local.set $pair (local.get $sat))
                    (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
                (block $added
                  (block $into3
                    (block $into2
                      (block $into1
                        (block $into0
                          (br_table $into0 $into1 $into2 $into3 (i32.and (local.get $k) (i32.const 3))))
                        (local.set $lane0 (f64x2.add (local.get $lane0) (local.get $pair)))
                        (br $added))
                      (local.set $lane1 (f64x2.add (local.get $lane1) (local.get $pair)))
                      (br $added))
                    (local.set $lane2 (f64x2.add (local.get $lane2) (local.get $pair)))
                    (br $added))
                  (local.set $lane3 (f64x2.add (local.get $lane3) (local.get $pair))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $at (i32.add (local.get $at) (i32.const 2)))))
            (br $pixels)))
        (local.set $runs (i32.add (local.get $runs) (i32.const 8)))
        (br $eachRun)))
    (local.set $total (f64x2.add (f64x2.add (local.get $lane0) (local.get $lane1)) (f64x2.add (local.get $lane2) (local.get $lane3))))
    (f64x2.extract_lane 0 (local.get $total))
    (f64x2.extract_lane 1 (local.get $total))
    (local.get $saturated))
  (func (export "addCorrectedU16") (param $plane i32) (param $n i32) (param $values i32) (param $variance i32) (param $saturated i32)
      (param $tv i32) (param $tvar i32) (param $size i32) (param $w f64) (param $w2 f64) (param $satW f64) (param $satW2 f64) (result i32)
    (local $end i32)
    (local $i i32)
    (local $count i32)
    (local.set $end (i32.add (local.get $plane) (i32.shl (local.get $n) (i32.const 1))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $plane) (local.get $end)))
        (local.set $i (i32.load16_u (local.get $plane)))
        (if (i32.lt_u (local.get $i) (local.get $size))
          (then
            (f64.store (local.get $values)
              (f64.add (f64.load (local.get $values)) (f64.mul (local.get $w) (f64.load (i32.add (local.get $tv) (i32.shl (local.get $i) (i32.const 3)))))))
            (f64.store (local.get $variance)
              (f64.add (f64.load (local.get $variance)) (f64.mul (local.get $w2) (f64.load (i32.add (local.get $tvar) (i32.shl (local.get $i) (i32.const 3)))))))
            (i32.store8 (local.get $saturated) (i32.const 0)))
          (else
            (f64.store (local.get $values) (f64.add (f64.load (local.get $values)) (local.get $satW)))
            (f64.store (local.get $variance) (f64.add (f64.load (local.get $variance)) (local.get $satW2)))
            (i32.store8 (local.get $saturated) (i32.const 1))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 2)))
        (local.set $values (i32.add (local.get $values) (i32.const 8)))
        (local.set $variance (i32.add (local.get $variance) (i32.const 8)))
        (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))
        (br $pixels)))
    (local.get $count))
  (func (export "addScaledU16ToF64") (param $src i32) (param $dst i32) (param $dst2 i32) (param $n i32) (param $w f64) (param $e f64)
    (local $end i32)
    (local $v v128)
    (local $lo v128)
    (local $hi v128)
    (local $ww v128)
    (local $ee v128)
    (local $x v128)
    (local $r f64)
    (local.set $ww (f64x2.splat (local.get $w)))
    (local.set $ee (f64x2.splat (local.get $e)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 1))))
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (i32x4.extend_low_i16x8_u (local.get $v)))
        (local.set $hi (i32x4.extend_high_i16x8_u (local.get $v)))
        (local.set $x (f64x2.convert_low_i32x4_u (local.get $lo)))
        (v128.store offset=0 (local.get $dst) (f64x2.add (v128.load offset=0 (local.get $dst)) (f64x2.mul (local.get $ww) (local.get $x))))
        (v128.store offset=0 (local.get $dst2) (f64x2.add (v128.load offset=0 (local.get $dst2)) (f64x2.mul (local.get $ee) (local.get $x))))
        (local.set $x (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))))
        (v128.store offset=16 (local.get $dst) (f64x2.add (v128.load offset=16 (local.get $dst)) (f64x2.mul (local.get $ww) (local.get $x))))
        (v128.store offset=16 (local.get $dst2) (f64x2.add (v128.load offset=16 (local.get $dst2)) (f64x2.mul (local.get $ee) (local.get $x))))
        (local.set $x (f64x2.convert_low_i32x4_u (local.get $hi)))
        (v128.store offset=32 (local.get $dst) (f64x2.add (v128.load offset=32 (local.get $dst)) (f64x2.mul (local.get $ww) (local.get $x))))
        (v128.store offset=32 (local.get $dst2) (f64x2.add (v128.load offset=32 (local.get $dst2)) (f64x2.mul (local.get $ee) (local.get $x))))
        (local.set $x (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $hi) (local.get $hi))))
        (v128.store offset=48 (local.get $dst) (f64x2.add (v128.load offset=48 (local.get $dst)) (f64x2.mul (local.get $ww) (local.get $x))))
        (v128.store offset=48 (local.get $dst2) (f64x2.add (v128.load offset=48 (local.get $dst2)) (f64x2.mul (local.get $ee) (local.get $x))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $dst2 (i32.add (local.get $dst2) (i32.const 64)))
        (br $groups)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 7)) (i32.const 1))))
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $r (f64.convert_i32_u (i32.load16_u (local.get $src))))
        (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst)) (f64.mul (local.get $w) (local.get $r))))
        (f64.store (local.get $dst2) (f64.add (f64.load (local.get $dst2)) (f64.mul (local.get $e) (local.get $r))))
        (local.set $src (i32.add (local.get $src) (i32.const 2)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $dst2 (i32.add (local.get $dst2) (i32.const 8)))
        (br $rest))))
  (func (export "binU16") (param $plane i32) (param $width i32) (param $height i32) (param $by i32) (param $cols i32)
      (param $slab i32) (param $rowBytes i32) (param $tv i32) (param $size i32) (param $satValue f64) (result i32)
    (local $y i32)
    (local $inRow i32)
    (local $x i32)
    (local $i i32)
    (local $at i32)
    (local $v f64)
    (local $count i32)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $x (i32.const 0))
        (block $pixels_done
          (loop $pixels
            (br_if $pixels_done (i32.ge_u (local.get $x) (local.get $width)))
            (local.set $i (i32.load16_u (local.get $plane)))
            (if (i32.eqz (local.get $size))
              (then (local.set $v (f64.convert_i32_u (local.get $i))))
              (else
                (if (i32.lt_u (local.get $i) (local.get $size))
                  (then (local.set $v (f64.load (i32.add (local.get $tv) (i32.shl (local.get $i) (i32.const 3))))))
                  (else
                    (local.set $v (local.get $satValue))
                    (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
            (local.set $at (i32.add (local.get $slab) (i32.load (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2))))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $v)))
            (local.set $plane (i32.add (local.get $plane) (i32.const 2)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $pixels)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (local.set $inRow (i32.add (local.get $inRow) (i32.const 1)))
        (if (i32.eq (local.get $inRow) (local.get $by))
          (then
            (local.set $inRow (i32.const 0))
            (local.set $slab (i32.add (local.get $slab) (local.get $rowBytes)))))
        (br $rows)))
    (local.get $count))

  (func (export "sumMinorU16Runs") (param $major i32) (param $minor i32) (param $runs i32) (param $runCount i32) (param $table i32) (param $size i32)
      (param $factor f64) (param $f2 f64) (param $satValue f64) (param $satVariance f64) (result f64 f64 i32)
    (local $runsEnd i32)
    (local $k i32)
    (local $end i32)
    (local $iMajor i32)
    (local $iMinor i32)
    (local $pair v128)
    (local $scale v128)
    (local $sat v128)
    (local $lane0 v128) (local $lane1 v128) (local $lane2 v128) (local $lane3 v128)
    (local $saturated i32)
    (local $total v128)
    (local.set $sat (f64x2.replace_lane 1 (f64x2.splat (local.get $satValue)) (local.get $satVariance)))
    (local.set $scale (f64x2.replace_lane 1 (f64x2.splat (local.get $factor)) (local.get $f2)))
    (local.set $runsEnd (i32.add (local.get $runs) (i32.shl (local.get $runCount) (i32.const 3))))
    (block $runsDone
      (loop $eachRun
        (br_if $runsDone (i32.ge_u (local.get $runs) (local.get $runsEnd)))
        (local.set $k (i32.load offset=0 (local.get $runs)))
        (local.set $end (i32.add (local.get $k) (i32.load offset=4 (local.get $runs))))
        (block $runDone
          (loop $pixels
            (br_if $runDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $iMajor (i32.load16_u (i32.add (local.get $major) (i32.shl (local.get $k) (i32.const 1)))))
            (local.set $iMinor (i32.load16_u (i32.add (local.get $minor) (i32.shl (local.get $k) (i32.const 1)))))
            (if (i32.ge_u (local.get $iMajor) (local.get $size))
              (then (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
            (if (i32.lt_u (local.get $iMinor) (local.get $size))
              (then (local.set $pair (f64x2.mul (v128.load (i32.add (local.get $table) (i32.shl (local.get $iMinor) (i32.const 4)))) (local.get $scale))))
              (else
                (if (i32.ge_u (local.get $iMajor) (local.get $size))
                  (then (local.set $pair (local.get $sat)))
                  (else (local.set $pair (v128.load (i32.add (local.get $table) (i32.shl (local.get $iMajor) (i32.const 4)))))))))
            (block $added
              (block $into3
                (block $into2
                  (block $into1
                    (block $into0
                      (br_table $into0 $into1 $into2 $into3 (i32.and (local.get $k) (i32.const 3))))
                    (local.set $lane0 (f64x2.add (local.get $lane0) (local.get $pair)))
                    (br $added))
                  (local.set $lane1 (f64x2.add (local.get $lane1) (local.get $pair)))
                  (br $added))
                (local.set $lane2 (f64x2.add (local.get $lane2) (local.get $pair)))
                (br $added))
              (local.set $lane3 (f64x2.add (local.get $lane3) (local.get $pair))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $pixels)))
        (local.set $runs (i32.add (local.get $runs) (i32.const 8)))
        (br $eachRun)))
    (local.set $total (f64x2.add (f64x2.add (local.get $lane0) (local.get $lane1)) (f64x2.add (local.get $lane2) (local.get $lane3))))
    (f64x2.extract_lane 0 (local.get $total))
    (f64x2.extract_lane 1 (local.get $total))
    (local.get $saturated))
  (func (export "addMinorU16Runs") (param $major i32) (param $minor i32) (param $runs i32) (param $runCount i32) (param $table i32) (param $size i32)
      (param $factor f64) (param $f2 f64) (param $satValue f64) (param $satVariance f64)
      (param $values i32) (param $variance i32) (param $w f64) (param $w2 f64) (result i32)
    (local $runsEnd i32)
    (local $k i32)
    (local $end i32)
    (local $iMajor i32)
    (local $iMinor i32)
    (local $pair v128)
    (local $scale v128)
    (local $sat v128)
    (local $at i32)
    (local $saturated i32)
    (local.set $sat (f64x2.replace_lane 1 (f64x2.splat (local.get $satValue)) (local.get $satVariance)))
    (local.set $scale (f64x2.replace_lane 1 (f64x2.splat (local.get $factor)) (local.get $f2)))
    (local.set $runsEnd (i32.add (local.get $runs) (i32.shl (local.get $runCount) (i32.const 3))))
    (block $runsDone
      (loop $eachRun
        (br_if $runsDone (i32.ge_u (local.get $runs) (local.get $runsEnd)))
        (local.set $k (i32.load offset=0 (local.get $runs)))
        (local.set $end (i32.add (local.get $k) (i32.load offset=4 (local.get $runs))))
        (block $runDone
          (loop $pixels
            (br_if $runDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $iMajor (i32.load16_u (i32.add (local.get $major) (i32.shl (local.get $k) (i32.const 1)))))
            (local.set $iMinor (i32.load16_u (i32.add (local.get $minor) (i32.shl (local.get $k) (i32.const 1)))))
            (if (i32.ge_u (local.get $iMajor) (local.get $size))
              (then (local.set $saturated (i32.add (local.get $saturated) (i32.const 1)))))
            (if (i32.lt_u (local.get $iMinor) (local.get $size))
              (then (local.set $pair (f64x2.mul (v128.load (i32.add (local.get $table) (i32.shl (local.get $iMinor) (i32.const 4)))) (local.get $scale))))
              (else
                (if (i32.ge_u (local.get $iMajor) (local.get $size))
                  (then (local.set $pair (local.get $sat)))
                  (else (local.set $pair (v128.load (i32.add (local.get $table) (i32.shl (local.get $iMajor) (i32.const 4)))))))))
            (local.set $at (i32.shl (local.get $k) (i32.const 3)))
            (f64.store (i32.add (local.get $values) (local.get $at))
              (f64.add (f64.load (i32.add (local.get $values) (local.get $at))) (f64.mul (local.get $w) (f64x2.extract_lane 0 (local.get $pair)))))
            (f64.store (i32.add (local.get $variance) (local.get $at))
              (f64.add (f64.load (i32.add (local.get $variance) (local.get $at))) (f64.mul (local.get $w2) (f64x2.extract_lane 1 (local.get $pair)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $pixels)))
        (local.set $runs (i32.add (local.get $runs) (i32.const 8)))
        (br $eachRun)))
    (local.get $saturated)))
