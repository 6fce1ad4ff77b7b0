;; 16-bit unsigned counts added into float64 sums with 128-bit SIMD: the inner loops of a
;; per-layer map over a stack of raw counts. addU16ToF64: dst[k] += src[k] (sums of integers
;; below 2^53 are exact); addScaledU16ToF64: dst[k] += w·src[k] and dst2[k] += e·src[k], each a
;; multiply then an add, as the scalar loop does (WebAssembly does not fuse them), so the
;; results are bit for bit the scalar loop's.
;; Source of addU16.wasm.ts (`npm run kernels` compiles it; a test checks the two agree).
(module
  (memory (export "memory") 1)
  (func (export "addU16ToF64") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local $v v128)
    (local $lo v128)
    (local $hi v128)
    ;; Whole groups of eight first.
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 1))))
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (i32x4.extend_low_i16x8_u (local.get $v)))
        (local.set $hi (i32x4.extend_high_i16x8_u (local.get $v)))
        (v128.store offset=0 (local.get $dst)
          (f64x2.add (v128.load offset=0 (local.get $dst)) (f64x2.convert_low_i32x4_u (local.get $lo))))
        (v128.store offset=16 (local.get $dst)
          (f64x2.add (v128.load offset=16 (local.get $dst))
            (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo)))))
        (v128.store offset=32 (local.get $dst)
          (f64x2.add (v128.load offset=32 (local.get $dst)) (f64x2.convert_low_i32x4_u (local.get $hi))))
        (v128.store offset=48 (local.get $dst)
          (f64x2.add (v128.load offset=48 (local.get $dst))
            (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $hi) (local.get $hi)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $groups)))
    ;; The rest one by one.
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 7)) (i32.const 1))))
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $src) (local.get $end)))
        (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst)) (f64.convert_i32_u (i32.load16_u (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (i32.const 2)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br $rest))))
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
        (br $rest)))))
