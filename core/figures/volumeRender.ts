/**
 * A CPU ray-marching volume renderer (orthographic, maximum-intensity or emission–absorption
 * compositing), so the CLI and figure export need no GPU. The app's 3-D view renders the same
 * volume with three.js; this one makes the still images for papers.
 */
export interface Volume {
  /** nz × ny × nx values, x fastest; z is the scan (depth) axis, 0 at the surface. */
  data: Float32Array;
  nx: number;
  ny: number;
  nz: number;
  /** Physical voxel size, nm: lateral pixel size and depth per scan. */
  voxelNm: { x: number; y: number; z: number };
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
 * per sample: the view's volumes (binned to the GPU's limits, refined on demand) and the
 * figure's (resampled onto its depth axis) have other voxels, and look alike all the same. (The
 * sum was scaled by 1/0.6, so every ray through values above 60 % of the scale showed the top
 * colour, and the view's shader blended colours by another rule: an exported view looked
 * nothing like the view.)
 */
export const COMPOSITE_ABSORPTION = 0.08;
export const COMPOSITE_PATH_PER_WIDTH = 1 / 256;
export const COMPOSITE_MIN_TRANSMISSION = 0.01;

/** Opacity of one composite sample of value `value01` (clamped to 0–1) standing for `pathOverWidth` of the box's width (see COMPOSITE_ABSORPTION). */
export function compositeOpacity(value01: number, pathOverWidth: number): number {
  const v = Math.min(1, Math.max(0, value01));
  return 1 - (1 - COMPOSITE_ABSORPTION * v) ** (pathOverWidth / COMPOSITE_PATH_PER_WIDTH);
}

/** Steps of the composite's opacity table over 0–1 (its interpolation is off by < 1e-8). */
const OPACITY_STEPS = 4096;

/**
 * compositeOpacity at OPACITY_STEPS + 1 values 0…1 for one path: a render's samples share their
 * path, and a power per sample took a composite figure twice as long as the maximum intensity.
 */
function opacityTable(pathOverWidth: number): Float64Array {
  return Float64Array.from({ length: OPACITY_STEPS + 1 }, (_, i) => compositeOpacity(i / OPACITY_STEPS, pathOverWidth));
}

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

/** Where a ray (origin o, direction f along one axis) is inside [−h, h] on that axis, narrowing [t0, t1]. */
function slab(o: number, f: number, h: number, t0: number, t1: number): [number, number] {
  if (Math.abs(f) < 1e-12) return Math.abs(o) > h ? [Infinity, t1] : [t0, t1];
  const ta = (-h - o) / f;
  const tb = (h - o) / f;
  return [Math.max(t0, Math.min(ta, tb)), Math.min(t1, Math.max(ta, tb))];
}

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

export function renderVolume(vol: Volume, opts: RenderOptions): Rendering {
  const { nx, ny, nz, data } = vol;
  const { ext, half, right, up, forward, scale, cu, cv, corners } = camera(vol, opts);

  const image = new Float32Array(opts.widthPx * opts.heightPx).fill(NaN);
  const span = opts.max > opts.min ? opts.max - opts.min : 1;
  const voxel: Vec3 = [vol.voxelNm.x, vol.voxelNm.y, vol.voxelNm.z * opts.zExaggeration];
  // A step that moves at most half a voxel along every axis: no voxel is skipped. (Half the
  // smallest voxel dimension, as it was, took twice the samples where depth is exaggerated:
  // the ray crosses the thin, stretched z voxels obliquely.)
  const step = 0.5 * Math.min(...voxel.map((v, i) => (Math.abs(forward[i]) > 1e-9 ? v / Math.abs(forward[i]) : Infinity)));
  const diag = Math.hypot(...ext);
  // The composite's opacity of each value for this render's samples (each a path of step / width: compositeOpacity).
  const opacity = opts.mode === 'composite' ? opacityTable(step / ext[0]) : null;
  // The per-pixel ray march with its vectors as plain numbers (no arrays made per pixel): the
  // same expressions as with arrays, so the same image, in two thirds of the time (fig4's
  // three volumes took ~0.7 s).
  const [rx, ry, rz] = right;
  const [ux, uy, uz] = up;
  const [fx, fy, fz] = forward;
  const [hx, hy, hz] = half;
  const [vx, vy, vz] = voxel;
  const lo = opts.min;
  const mip = opts.mode === 'mip';
  const dgx = (step * fx) / vx;
  const dgy = (step * fy) / vy;
  const dgz = (step * fz) / vz;
  for (let py = 0; py < opts.heightPx; py++) {
    for (let px = 0; px < opts.widthPx; px++) {
      const u = cu + (px + 0.5 - opts.widthPx / 2) / scale;
      const v = cv - (py + 0.5 - opts.heightPx / 2) / scale;
      const ox = u * rx + v * ux - diag * fx;
      const oy = u * ry + v * uy - diag * fy;
      const oz = u * rz + v * uz - diag * fz;
      // Slab intersection with the box: the x slab's, narrowed by the y and z slabs.
      const [x0, x1] = slab(ox, fx, hx, -Infinity, Infinity);
      const [y0, y1] = slab(oy, fy, hy, x0, x1);
      const [t0, t1] = slab(oz, fz, hz, y0, y1);
      if (!(t1 > t0)) continue;
      let best = -Infinity;
      let transmitted = 1;
      let emitted = 0;
      // The sample's position in voxels, stepped by a constant increment (no multiply and
      // divide per axis and sample: 600 dpi renders took ~1.3 s a panel).
      const tStart = t0 + step / 2;
      let gx = (ox + tStart * fx + hx) / vx;
      let gy = (oy + tStart * fy + hy) / vy;
      let gz = (oz + tStart * fz + hz) / vz;
      const samples = Math.max(0, Math.ceil((t1 - tStart) / step));
      for (let k = 0; k < samples; k++, gx += dgx, gy += dgy, gz += dgz) {
        const ix = Math.floor(gx);
        const iy = Math.floor(gy);
        const iz = Math.floor(gz);
        if (ix < 0 || iy < 0 || iz < 0 || ix >= nx || iy >= ny || iz >= nz) continue;
        const value = (data[(iz * ny + iy) * nx + ix] - lo) / span;
        if (mip) {
          if (value > best) {
            best = value;
            // The pixel shows min(1, best): once at the top of the scale, no voxel behind changes it.
            if (best >= 1) break;
          }
        } else {
          // Emission–absorption (see COMPOSITE_ABSORPTION): each sample emits its value and absorbs in proportion to it.
          const clamped = Math.min(1, Math.max(0, value));
          const at = clamped * OPACITY_STEPS;
          const i = Math.min(OPACITY_STEPS - 1, Math.floor(at));
          const a = opacity![i] + (opacity![i + 1] - opacity![i]) * (at - i);
          emitted += transmitted * a * clamped;
          transmitted *= 1 - a;
          if (transmitted < COMPOSITE_MIN_TRANSMISSION) break;
        }
      }
      image[py * opts.widthPx + px] = mip ? Math.min(1, Math.max(0, best)) : emitted;
    }
  }
  return { image, widthPx: opts.widthPx, heightPx: opts.heightPx, corners };
}
