/**
 * A CPU ray-marching volume renderer (orthographic, maximum-intensity or emission–absorption
 * compositing), so the CLI and figure export need no GPU. The app's 3-D view renders the same
 * volume with three.js; this one makes the still images for papers.
 */
import { binEdgesAtDepth } from './volumeDepth.js';

export interface Volume {
  /** nz × ny × nx values, x fastest; z is the scan (depth) axis, 0 at the surface. */
  data: Float32Array;
  nx: number;
  ny: number;
  nz: number;
  /** Physical voxel size, nm: lateral pixel size and depth per scan (the box is nz · z deep). */
  voxelNm: { x: number; y: number; z: number };
  /**
   * Where the z bins are not uniform in depth (scans binned in sputter time, layers sputtered at
   * their own rates): the bin coordinate (0 … nz) at depth fractions i / (length − 1) of the box,
   * top to bottom, read linearly between (volumeDepth.ts binCoordinateTable); z is then the
   * mean depth of a bin. Without it, bin k is the k-th nz-th of the depth.
   */
  zBinAtDepth?: Float32Array;
}

export interface RenderOptions {
  widthPx: number;
  heightPx: number;
  /** Rotation about the vertical (depth) axis and the tilt toward the viewer, degrees. */
  azimuthDeg: number;
  elevationDeg: number;
  /** Depth is stretched by this factor: 300 µm wide, 1.2 µm deep stacks need ~50–100×. */
  zExaggeration: number;
  mode: 'mip' | 'composite';
  /** Value range mapped to 0..1 (shared across states for comparable renderings). */
  min: number;
  max: number;
}

export interface Rendering {
  /** Normalised intensity per output pixel, row-major, NaN where the ray misses the volume. */
  image: Float32Array;
  widthPx: number;
  heightPx: number;
  /**
   * The volume's eight corners in output pixel coordinates (for drawing its outline and its
   * depth ticks). Corner i is at x = bit 2, y = bit 1, z = bit 0 of i (0: low side), so corner
   * i with bit 0 clear is on the surface and corner i + 1 below it at the volume's full depth.
   */
  corners: Array<[number, number]>;
}

/**
 * The composite rendering, as the workbench's 3-D view draws it too (its shader,
 * renderer/src/views/volumeShader.ts, takes these numbers), so an exported view looks as it did
 * on screen: front to back along the ray, a value v on the colour scale (0–1, clamped) absorbs
 * COMPOSITE_ABSORPTION·v of the light over a path of COMPOSITE_PATH_PER_WIDTH of the box's width
 * (in the box as drawn, depth exaggerated), and emits v in proportion; the ray stops once less
 * than COMPOSITE_MIN_TRANSMISSION is left. The pixel is the emitted sum: the opacity-weighted
 * values along the ray, so never above the largest of them. Opacity per length of the box, not
 * per sample or voxel: the view's volumes (binned to the GPU's limits, refined on demand) and
 * the figure's have other voxels, the view samples its rays and this renderer takes each voxel's
 * exact path, and they look alike all the same. (The
 * sum was scaled by 1/0.6, so every ray through values above 60 % of the scale showed the top
 * colour, and the view's shader blended colours by another rule: an exported view looked
 * nothing like the view.)
 */
export const COMPOSITE_ABSORPTION = 0.08;
export const COMPOSITE_PATH_PER_WIDTH = 1 / 256;
export const COMPOSITE_MIN_TRANSMISSION = 0.01;

/** Opacity of value `value01` (clamped to 0–1) over a path of `pathOverWidth` of the box's width (see COMPOSITE_ABSORPTION). */
export function compositeOpacity(value01: number, pathOverWidth: number): number {
  const v = Math.min(1, Math.max(0, value01));
  return 1 - (1 - COMPOSITE_ABSORPTION * v) ** (pathOverWidth / COMPOSITE_PATH_PER_WIDTH);
}

/** Steps of the composite's transmission table over 0–1 (read linearly between: off by < 1e-8). */
const TRANSMISSION_STEPS = 4096;

/**
 * ln(1 − COMPOSITE_ABSORPTION·v) at TRANSMISSION_STEPS + 1 values v = 0…1: the light a value
 * lets through a path p (in COMPOSITE_PATH_PER_WIDTH of the width) is exp(p · this), one exp a
 * voxel (a power per voxel took a composite figure twice as long as the maximum intensity).
 */
const LOG_TRANSMISSION = Float64Array.from({ length: TRANSMISSION_STEPS + 1 }, (_, i) => Math.log1p((-COMPOSITE_ABSORPTION * i) / TRANSMISSION_STEPS));

type Vec3 = [number, number, number];

/** Rows of the world→view rotation: azimuth about z, then elevation about x. */
function viewBasis(azimuthDeg: number, elevationDeg: number): { right: Vec3; up: Vec3; forward: Vec3 } {
  const a = (azimuthDeg * Math.PI) / 180;
  const e = (elevationDeg * Math.PI) / 180;
  const right: Vec3 = [Math.cos(a), Math.sin(a), 0];
  // Depth (z) grows downward into the sample, so "up" on screen is toward -z when seen from the side.
  const horizontal: Vec3 = [-Math.sin(a), Math.cos(a), 0];
  const up: Vec3 = [horizontal[0] * Math.sin(e), horizontal[1] * Math.sin(e), -Math.cos(e)];
  const forward: Vec3 = [horizontal[0] * Math.cos(e), horizontal[1] * Math.cos(e), Math.sin(e)];
  return { right, up, forward };
}

const dot = (p: Vec3, q: Vec3): number => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];

/** The camera of a rendering: view basis, the box's half extents, and where it lands in the image. */
function camera(vol: Volume, opts: RenderOptions) {
  const ext: Vec3 = [vol.nx * vol.voxelNm.x, vol.ny * vol.voxelNm.y, vol.nz * vol.voxelNm.z * opts.zExaggeration];
  const half: Vec3 = [ext[0] / 2, ext[1] / 2, ext[2] / 2];
  const { right, up, forward } = viewBasis(opts.azimuthDeg, opts.elevationDeg);
  const corners3: Vec3[] = [];
  for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) corners3.push([sx * half[0], sy * half[1], sz * half[2]]);
  // Fit the projected box into the image with a small margin.
  const us = corners3.map((c) => dot(c, right));
  const vs = corners3.map((c) => dot(c, up));
  const spanU = Math.max(...us) - Math.min(...us);
  const spanV = Math.max(...vs) - Math.min(...vs);
  const scale = 0.92 * Math.min(opts.widthPx / spanU, opts.heightPx / spanV);
  const cu = (Math.max(...us) + Math.min(...us)) / 2;
  const cv = (Math.max(...vs) + Math.min(...vs)) / 2;
  const toPx = (u: number, v: number): [number, number] => [opts.widthPx / 2 + (u - cu) * scale, opts.heightPx / 2 - (v - cv) * scale];
  return { ext, half, right, up, forward, scale, cu, cv, corners: corners3.map((c) => toPx(dot(c, right), dot(c, up))) };
}

/** The corners a rendering with these options would have (see Rendering.corners), without rendering it. */
export function boxCorners(vol: Volume, opts: RenderOptions): Array<[number, number]> {
  return camera(vol, opts).corners;
}

/**
 * The depth of each z-bin edge in the box as drawn (exaggerated), from its top face (−hz): the
 * planes where a ray passes from one bin into the next.
 */
function zPlanes(vol: Volume, binDepth: number, hz: number): Float64Array {
  const { nz } = vol;
  const fractions = vol.zBinAtDepth ? binEdgesAtDepth(vol.zBinAtDepth, nz) : Float64Array.from({ length: nz + 1 }, (_, b) => b / nz);
  return fractions.map((f) => f * nz * binDepth - hz);
}

/**
 * Each pixel's ray through the box, voxel by voxel (Amanatides & Woo's traversal): every voxel it
 * crosses is seen, however thin (a slowly sputtered layer's bins, a corner), and a composite
 * takes the exact path through each. (A march half a voxel a step had to step by the thinnest bin
 * to miss none: with the bins at their depths, three times the samples.)
 */
export function renderVolume(vol: Volume, opts: RenderOptions): Rendering {
  const { nx, ny, nz, data } = vol;
  const { ext, half, right, up, forward, scale, cu, cv, corners } = camera(vol, opts);

  const image = new Float32Array(opts.widthPx * opts.heightPx).fill(NaN);
  const span = opts.max > opts.min ? opts.max - opts.min : 1;
  const diag = Math.hypot(...ext);
  const [rx, ry, rz] = right;
  const [ux, uy, uz] = up;
  const [fx, fy, fz] = forward;
  const [hx, hy, hz] = half;
  const vx = vol.voxelNm.x;
  const vy = vol.voxelNm.y;
  const zPlane = zPlanes(vol, vol.voxelNm.z * opts.zExaggeration, hz);
  const lo = opts.min;
  const mip = opts.mode === 'mip';
  // The composite's exponent per nm of path: a path of COMPOSITE_PATH_PER_WIDTH of the width is 1.
  const perNm = 1 / (COMPOSITE_PATH_PER_WIDTH * ext[0]);
  // Steps between voxel planes along x and y, in ray length (z's planes are not evenly spaced).
  const dtx = Math.abs(fx) > 1e-12 ? vx / Math.abs(fx) : Infinity;
  const dty = Math.abs(fy) > 1e-12 ? vy / Math.abs(fy) : Infinity;
  const sx = fx > 0 ? 1 : -1;
  const sy = fy > 0 ? 1 : -1;
  const sz = fz > 0 ? 1 : -1;
  const zMoves = Math.abs(fz) > 1e-12;
  // Rays start a box diagonal behind the view plane.
  const backX = diag * fx;
  const backY = diag * fy;
  const backZ = diag * fz;
  // Voxel index steps along each axis (the traversal moves one voxel at a time).
  const stepX = sx;
  const stepY = sy * nx;
  const stepZ = sz * nx * ny;
  // The maximum is tracked on the raw values and scaled once a ray: (x − lo) / span rises with x
  // (rounding too), so the scaled maximum is the same number.
  for (let py = 0; py < opts.heightPx; py++) {
    const v = cv - (py + 0.5 - opts.heightPx / 2) / scale;
    // The row's part of each ray's origin (added in the same order as a whole sum: the same numbers).
    const vx0 = v * ux;
    const vy0 = v * uy;
    const vz0 = v * uz;
    for (let px = 0; px < opts.widthPx; px++) {
      const u = cu + (px + 0.5 - opts.widthPx / 2) / scale;
      const ox = u * rx + vx0 - backX;
      const oy = u * ry + vy0 - backY;
      const oz = u * rz + vz0 - backZ;
      // Slab intersection with the box: where the ray is within [−h, h] along x, narrowed along y
      // and z (a ray parallel to an axis's planes and outside them misses). Written out: a function
      // returning each slab's [t0, t1] made three small arrays a pixel.
      let t0 = -Infinity;
      let t1 = Infinity;
      if (Math.abs(fx) < 1e-12) {
        if (Math.abs(ox) > hx) continue;
      } else {
        const ta = (-hx - ox) / fx;
        const tb = (hx - ox) / fx;
        t0 = Math.max(t0, Math.min(ta, tb));
        t1 = Math.min(t1, Math.max(ta, tb));
      }
      if (Math.abs(fy) < 1e-12) {
        if (Math.abs(oy) > hy) continue;
      } else {
        const ta = (-hy - oy) / fy;
        const tb = (hy - oy) / fy;
        t0 = Math.max(t0, Math.min(ta, tb));
        t1 = Math.min(t1, Math.max(ta, tb));
      }
      if (Math.abs(fz) < 1e-12) {
        if (Math.abs(oz) > hz) continue;
      } else {
        const ta = (-hz - oz) / fz;
        const tb = (hz - oz) / fz;
        t0 = Math.max(t0, Math.min(ta, tb));
        t1 = Math.min(t1, Math.max(ta, tb));
      }
      if (!(t1 > t0)) continue;
      // The voxel the ray enters: the one holding a point just inside the box.
      const tIn = t0 + Math.min(1e-6 * diag, (t1 - t0) / 2);
      let ix = Math.min(nx - 1, Math.max(0, Math.floor((ox + tIn * fx + hx) / vx)));
      let iy = Math.min(ny - 1, Math.max(0, Math.floor((oy + tIn * fy + hy) / vy)));
      const zIn = oz + tIn * fz;
      // The last bin whose top plane is at or above it (bisection: the planes are in depth order).
      let iz = 0;
      for (let topBin = nz - 1; iz < topBin; ) {
        const mid = (iz + topBin + 1) >> 1;
        if (zPlane[mid] <= zIn) iz = mid;
        else topBin = mid - 1;
      }
      // Where the ray leaves the voxel along each axis.
      let tx = Math.abs(fx) > 1e-12 ? ((ix + (sx > 0 ? 1 : 0)) * vx - hx - ox) / fx : Infinity;
      let ty = Math.abs(fy) > 1e-12 ? ((iy + (sy > 0 ? 1 : 0)) * vy - hy - oy) / fy : Infinity;
      let tz = zMoves ? (zPlane[iz + (sz > 0 ? 1 : 0)] - oz) / fz : Infinity;
      let index = (iz * ny + iy) * nx + ix;
      let t = t0;
      let best = -Infinity;
      let transmitted = 1;
      let emitted = 0;
      for (;;) {
        const tNext = Math.min(tx, ty, tz, t1);
        if (tNext > t) {
          const raw = data[index];
          if (mip) {
            if (raw > best) {
              best = raw;
              // The pixel shows min(1, best scaled): once at the top of the scale, no voxel behind
              // changes it (scaled here as below, so the test is the same number's).
              if ((best - lo) / span >= 1) break;
            }
          } else {
            const value = (raw - lo) / span;
            // Emission–absorption (see COMPOSITE_ABSORPTION) over the path through this voxel. A
            // value at or below the scale's bottom, or none (NaN), absorbs and emits nothing (its
            // opacity, 1 − exp(0), is 0): the light goes through, unchanged, with no exp taken.
            if (value > 0) {
              const clamped = value < 1 ? value : 1;
              const at = clamped * TRANSMISSION_STEPS;
              const i = Math.min(TRANSMISSION_STEPS - 1, Math.floor(at));
              const logT = LOG_TRANSMISSION[i] + (LOG_TRANSMISSION[i + 1] - LOG_TRANSMISSION[i]) * (at - i);
              const a = 1 - Math.exp(logT * (tNext - t) * perNm);
              emitted += transmitted * a * clamped;
              transmitted *= 1 - a;
              if (transmitted < COMPOSITE_MIN_TRANSMISSION) break;
            }
          }
        }
        if (tNext >= t1) break;
        t = tNext;
        // Into the next voxel along the axis whose plane comes first (out of the box: done).
        if (tx <= ty && tx <= tz) {
          ix += sx;
          if (ix < 0 || ix >= nx) break;
          index += stepX;
          tx += dtx;
        } else if (ty <= tz) {
          iy += sy;
          if (iy < 0 || iy >= ny) break;
          index += stepY;
          ty += dty;
        } else {
          iz += sz;
          if (iz < 0 || iz >= nz) break;
          index += stepZ;
          tz = (zPlane[iz + (sz > 0 ? 1 : 0)] - oz) / fz;
        }
      }
      image[py * opts.widthPx + px] = mip ? Math.min(1, Math.max(0, (best - lo) / span)) : emitted;
    }
  }
  return { image, widthPx: opts.widthPx, heightPx: opts.heightPx, corners };
}
