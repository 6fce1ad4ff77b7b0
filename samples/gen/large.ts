/**
 * Large OME-TIFF ion stacks for benchmarks (`npm run samples -- --large 2GB --out DIR`): the same
 * physical model as the sample study at a bigger size, written uncompressed (as instruments
 * export; Deflate-compressed on request, as tifffile and bfconvert can write them) and streamed to disk one plane at a time, so memory stays at a few planes whatever
 * the file size. Counting noise uses the normal approximation of the binomial detector model
 * (exact binomial draws for a billion pixels would take minutes): these files are for timing
 * readers and views, not for checking numbers against truth.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createTiffStream } from '../../core/io/tiff/writeTiff.js';
import { liComponents } from './lithium.js';
import { omePages, streamPages, type OmeStackMeta } from './omeTiff.js';
import { DARK_COUNTS, DEFAULT_LAYERS, IONS, OTHER_IONS_COUNTS, STACK_IONS, geometry } from './physics.js';
import { rngFor } from './random.js';
import { buildSimsModel } from './sims.js';

/** `64MB`, `512MB`, `2GB`, `1.5GiB`, or a plain byte count. Powers of 1024. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`size "${text}" is not like 64MB, 512MB or 2GB`);
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * unit);
}

export interface LargeStackPlan {
  width: number;
  height: number;
  channels: number;
  scans: number;
  bytes: number;
}

/** Picks a square image and a scan count (≥ 100 scans, images ≥ 128 px) that fill about `targetBytes`. */
export function planLargeStack(targetBytes: number): LargeStackPlan {
  const channels = STACK_IONS.length + 1;
  if (targetBytes > 3.9 * 2 ** 30) throw new RangeError('classic TIFF stops at 4 GiB: ask for 3.9GB or less');
  let side = 128;
  while (side < 4096 && targetBytes / (side * side * 2 * channels) > 600) side *= 2;
  const scans = Math.max(100, Math.round(targetBytes / (side * side * 2 * channels)));
  return { width: side, height: side, channels, scans, bytes: scans * channels * side * side * 2 };
}

export async function writeLargeStack(
  file: string,
  opts: {
    targetBytes: number;
    seed: number;
    state?: 'pristine' | 'charged' | 'discharged';
    /** 'deflate': strips Deflate-compressed, as tifffile and bfconvert can write them (targetBytes is then the raw size). */
    compression?: 'none' | 'deflate';
  },
  progress?: (done: number, total: number) => void,
): Promise<LargeStackPlan> {
  const plan = planLargeStack(opts.targetBytes);
  const { width, height, scans } = plan;
  const state = opts.state ?? 'charged';
  const N = 50;
  const geo = geometry(DEFAULT_LAYERS);
  const scanPeriodS = Math.ceil(geo.timeS[geo.layers.length - 1] + 700) / scans;
  const model = buildSimsModel({
    seed: opts.seed,
    state,
    geometry: geo,
    liComponents: liComponents(opts.seed, state, geo.layers.map((l) => l.role), width, height),
    width,
    height,
    scans,
    scanPeriodS,
    primaryCurrentFactor: 1,
  });
  // A pool of standard normals from the seeded source, read at a plane-dependent offset.
  const rng = rngFor(opts.seed, 'large-noise');
  const pool = Float32Array.from({ length: 1 << 20 }, () => rng.normal());
  const channelIon = STACK_IONS.map((label) => IONS.findIndex((i) => i.label === label));
  const lambda = new Float64Array(IONS.length);
  const pixels = width * height;

  // omePages asks for planes channel by channel, scan by scan: each is computed on demand.
  function planeAt(c: number, s: number): Float32Array {
    const plane = new Float32Array(pixels);
    let k = ((c * 7919 + s * 104729) * 31) & (pool.length - 1);
    for (let px = 0; px < pixels; px++) {
      let v: number;
      if (c < STACK_IONS.length) v = detectApprox(model.lambdaOf(channelIon[c], s, px) + DARK_COUNTS, N, pool[k]);
      else {
        model.lambdas(s, px, lambda);
        let mean = OTHER_IONS_COUNTS;
        for (let i = 0; i < IONS.length; i++) mean += N * (1 - Math.exp(-(lambda[i] + DARK_COUNTS) / N));
        v = Math.max(0, Math.round(mean + Math.sqrt(mean) * pool[k]));
      }
      plane[px] = v;
      k = (k + 1) & (pool.length - 1);
    }
    return plane;
  }

  const meta: OmeStackMeta = {
    name: `benchmark stack ${state} ${width}x${height}x${scans}`,
    width,
    height,
    scans,
    channels: [...STACK_IONS, 'total'].map((label) => ({ label, mz: IONS.find((i) => i.label === label)?.mz ?? null })),
    pixelSizeNm: 100_000 / width,
    pixelType: 'uint16',
    scanPeriodS,
    shotsPerPixel: N,
    extra: { State: state, Polarity: 'negative', Noise: 'normal approximation (benchmark file)' },
  };
  const total = plan.channels * scans;
  const fd = openSync(file, 'w');
  try {
    let done = 0;
    const stream = createTiffStream({ compression: opts.compression ?? 'none', stripBytes: 256 * 1024 });
    streamPages(stream, omePages(meta, planeAt), total, (chunk) => {
      writeSync(fd, chunk);
      if (chunk.length > 8) {
        done++;
        if (progress && (done % 64 === 0 || done === total)) progress(done, total);
      }
    });
  } finally {
    closeSync(fd);
  }
  return plan;
}

/** Binomial detector model, normal approximation: mean N·p, variance N·p·(1 − p), clipped to 0..N. */
function detectApprox(lambda: number, N: number, g: number): number {
  const p = 1 - Math.exp(-lambda / N);
  const mean = N * p;
  return Math.min(N, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * g)));
}
