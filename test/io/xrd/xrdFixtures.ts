/**
 * Small XRD test patterns and Bruker RAW binaries written per the DIFFRAC layouts (no real RAW
 * file is at hand), shared by the reader tests and the fuzz tests that mutate them.
 */
export const N = 20;
export const X = Array.from({ length: N }, (_, i) => 20 + 0.02 * i);
export const Y = Array.from({ length: N }, (_, i) => 100 + 7 * i + (i === 9 ? 900 : 0));

export class Bin {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  str(o: number, s: string): this {
    for (let i = 0; i < s.length; i++) this.bytes[o + i] = s.charCodeAt(i);
    return this;
  }
  u32(o: number, v: number): this {
    this.view.setUint32(o, v, true);
    return this;
  }
  f32(o: number, v: number): this {
    this.view.setFloat32(o, v, true);
    return this;
  }
  f64(o: number, v: number): this {
    this.view.setFloat64(o, v, true);
    return this;
  }
}

/** RAW1.01: 712-byte header, one 304-byte range header, float32 counts (DIFFRAC plus XCH, app. A). */
export function raw101(): Uint8Array {
  const b = new Bin(712 + 304 + 4 * N);
  b.str(0, 'RAW1.01').u32(8, 1).u32(12, 1).str(16, '01/01/24').str(26, '10:00:00').str(36, 'tester').str(326, 'LFP film').str(608, 'Cu');
  b.f64(616, 1.54184).f64(624, 1.5406).f64(632, 1.54439).f64(640, 1.39222).f64(648, 0.5);
  const r = 712;
  b.u32(r, 304).u32(r + 4, N).f64(r + 8, 10).f64(r + 16, 20).f64(r + 176, 0.02).f32(r + 192, 1).u32(r + 224, 40).u32(r + 228, 40).f64(r + 240, 1.5406).u32(r + 256, 0);
  Y.forEach((y, i) => b.f32(r + 304 + 4 * i, y));
  return b.bytes;
}

/** RAW4.00: 61-byte header, a type-10 text segment, a type-30 hardware segment, one range. */
export function raw400(extraHeader = 0): Uint8Array {
  const seg10 = 36 + 16;
  const seg30 = 120;
  const size = 61 + seg10 + seg30 + 160 + extraHeader + 4 * N;
  const b = new Bin(size);
  b.str(0, 'RAW4.00').str(12, '2024-01-01').str(24, '10:00:00');
  let o = 61;
  b.u32(o, 10).u32(o + 4, seg10).str(o + 12, 'SampleID').str(o + 36, 'LFP film');
  o += seg10;
  b.u32(o, 30).u32(o + 4, seg30).f64(o + 72, 1.54184).f64(o + 80, 1.5406).f64(o + 88, 1.54439).f64(o + 96, 1.39222).f64(o + 104, 0.5).str(o + 116, 'Cu');
  o += seg30;
  b.u32(o, 160).str(o + 32, 'Locked Coupled').f64(o + 72, 20).f64(o + 80, 0.02).u32(o + 88, N).f32(o + 92, 1).f32(o + 100, 40).f32(o + 104, 40).f64(o + 112, 1.5406).u32(o + 136, 4).u32(o + 140, extraHeader);
  o += 160 + extraHeader;
  Y.forEach((y, i) => b.f32(o + 4 * i, y));
  return b.bytes;
}

/** "RAW " (DIFFRAC-AT v1): one range of 152 header bytes then float32 counts. */
export function rawV1(): Uint8Array {
  const b = new Bin(4 + 152 + 4 * N);
  const o = 4;
  b.str(0, 'RAW ').u32(o, N).f32(o + 4, 1).f32(o + 8, 0.02).u32(o + 12, 0).f32(o + 20, 20).f32(o + 24, -1e6).f32(o + 28, -1e6).f32(o + 32, -1e6);
  b.str(o + 36, 'LFP film').f32(o + 68, 1.5406).f32(o + 72, 1.54439).u32(o + 148, 0);
  Y.forEach((y, i) => b.f32(o + 152 + 4 * i, y));
  return b.bytes;
}

