import { describe, expect, it } from 'vitest';
import { compositeOpacity, renderVolume } from '../../core/figures/volumeRender.js';

function volumeWith(nx: number, ny: number, nz: number, bright: Array<[number, number, number]>): Float32Array {
  const data = new Float32Array(nx * ny * nz);
  for (const [x, y, z] of bright) data[(z * ny + y) * nx + x] = 1;
  return data;
}

describe('CPU volume renderer', () => {
  const nx = 20, ny = 20, nz = 10;
  const base = { widthPx: 100, heightPx: 100, zExaggeration: 1, min: 0, max: 1, mode: 'mip' as const };

  it('seen from the top (elevation 90°), the MIP is the max over depth at each x, y', () => {
    const data = volumeWith(nx, ny, nz, [[5, 15, 3]]);
    const r = renderVolume({ data, nx, ny, nz, voxelNm: { x: 1, y: 1, z: 1 } }, { ...base, azimuthDeg: 0, elevationDeg: 90 });
    // Brightest pixel lies where voxel (5, 15) projects: x → right, y → screen up.
    let bestIndex = 0;
    r.image.forEach((v, i) => { if (v > r.image[bestIndex] || Number.isNaN(r.image[bestIndex])) bestIndex = i; });
    const px = bestIndex % 100, py = Math.floor(bestIndex / 100);
    const [x0, y0] = r.corners[0];
    const [x1, y1] = r.corners[7];
    const fx = (px - Math.min(x0, x1)) / Math.abs(x1 - x0);
    const fy = (py - Math.min(y0, y1)) / Math.abs(y1 - y0);
    expect(r.image[bestIndex]).toBe(1);
    expect(fx).toBeCloseTo(5.5 / 20, 1);
    expect(1 - fy).toBeCloseTo(15.5 / 20, 1);
  });

  it('misses outside the box (NaN) and sees every bright voxel from an oblique view', () => {
    const data = volumeWith(nx, ny, nz, [[2, 2, 1], [17, 17, 8]]);
    const r = renderVolume({ data, nx, ny, nz, voxelNm: { x: 1, y: 1, z: 1 } }, { ...base, azimuthDeg: 30, elevationDeg: 25 });
    expect(Number.isNaN(r.image[0])).toBe(true);
    const hits = Array.from(r.image).filter((v) => v === 1).length;
    expect(hits).toBeGreaterThanOrEqual(2);
  });

  it('seen along each axis, every pixel is the largest voxel on its line through the box', () => {
    // Random values: a voxel read from the wrong place (a wrong step along any axis) shows.
    const [mx, my, mz] = [6, 5, 4];
    const data = new Float32Array(mx * my * mz);
    let seed = 7;
    for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 16807) % 2147483647) / 2147483647;
    const at = (x: number, y: number, z: number): number => data[(z * my + y) * mx + x];
    const size = 120;
    const views = [
      // Rays along z (top view: screen x is x, screen up is y), along y (side view: x, and up is
      // the surface, z = 0) and along x (side view: y, and up the surface).
      { azimuthDeg: 0, elevationDeg: 90, cell: (u: number, v: number) => ({ line: (k: number) => at(Math.floor(u * mx), Math.floor((1 - v) * my), k), n: mz, cells: [u * mx, (1 - v) * my] }) },
      { azimuthDeg: 0, elevationDeg: 0, cell: (u: number, v: number) => ({ line: (k: number) => at(Math.floor(u * mx), k, Math.floor(v * mz)), n: my, cells: [u * mx, v * mz] }) },
      { azimuthDeg: 90, elevationDeg: 0, cell: (u: number, v: number) => ({ line: (k: number) => at(k, Math.floor(u * my), Math.floor(v * mz)), n: mx, cells: [u * my, v * mz] }) },
    ];
    for (const view of views) {
      const r = renderVolume({ data, nx: mx, ny: my, nz: mz, voxelNm: { x: 1, y: 1, z: 1 } }, { ...base, widthPx: size, heightPx: size, azimuthDeg: view.azimuthDeg, elevationDeg: view.elevationDeg });
      const xs = r.corners.map((c) => c[0]);
      const ys = r.corners.map((c) => c[1]);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      let checked = 0;
      for (let py = 0; py < size; py++) {
        for (let px = 0; px < size; px++) {
          const u = (px + 0.5 - x0) / (x1 - x0);
          const v = (py + 0.5 - y0) / (y1 - y0);
          if (!(u > 0 && u < 1 && v > 0 && v < 1)) continue;
          const { line, n, cells } = view.cell(u, v);
          // Pixels near a voxel's edge could be either voxel's: only those well inside one.
          if (cells.some((c) => Math.abs(c - Math.round(c)) < 0.05)) continue;
          const expected = Math.max(...Array.from({ length: n }, (_, k) => line(k)));
          expect(r.image[py * size + px], `view ${view.azimuthDeg}°/${view.elevationDeg}°, pixel ${px}, ${py}`).toBe(expected);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    }
  });

  it('stretches depth by the z exaggeration', () => {
    const data = volumeWith(nx, ny, nz, []);
    const flat = renderVolume({ data, nx, ny, nz, voxelNm: { x: 100, y: 100, z: 1 } }, { ...base, azimuthDeg: 0, elevationDeg: 0 });
    const tall = renderVolume({ data, nx, ny, nz, voxelNm: { x: 100, y: 100, z: 1 } }, { ...base, azimuthDeg: 0, elevationDeg: 0, zExaggeration: 100 });
    const height = (r: typeof flat) => Math.max(...r.corners.map((c) => c[1])) - Math.min(...r.corners.map((c) => c[1]));
    const width = (r: typeof flat) => Math.max(...r.corners.map((c) => c[0])) - Math.min(...r.corners.map((c) => c[0]));
    expect(height(flat) / width(flat)).toBeCloseTo(10 / 2000, 2);
    expect(height(tall) / width(tall)).toBeCloseTo(1000 / 2000, 2);
  });

  describe('composite (the 3-D view draws it by the same rule)', () => {
    const uniform = (depth: number, value: number, zNm = 1) => ({ data: new Float32Array(nx * ny * depth).fill(value), nx, ny, nz: depth, voxelNm: { x: 1, y: 1, z: zNm } });
    const centre = (r: ReturnType<typeof renderVolume>): number => r.image[50 * 100 + 50];
    const top = { ...base, mode: 'composite' as const, azimuthDeg: 0, elevationDeg: 90 };

    it('a value at the top of the scale absorbs 8 % of the light over a 256th of the box width, less in proportion to the value', () => {
      expect(compositeOpacity(1, 1 / 256)).toBeCloseTo(0.08, 12);
      expect(compositeOpacity(0.5, 1 / 256)).toBeCloseTo(0.04, 12);
      expect(compositeOpacity(1, 3 / 256)).toBeCloseTo(1 - 0.92 ** 3, 12);
      expect(compositeOpacity(7, 1 / 256)).toBe(compositeOpacity(1, 1 / 256));
      expect(compositeOpacity(-2, 1 / 256)).toBe(0);
    });

    it('each voxel the ray crosses emits its value in proportion to its opacity over the path through it', () => {
      // Two voxels deep seen from the top: two voxels, each 1/20 of the 20-voxel width, of value 1.
      const a = compositeOpacity(1, 1 / 20);
      const expected = a + (1 - a) * a;
      // To the image's Float32 precision.
      expect(centre(renderVolume(uniform(2, 1), top))).toBeCloseTo(expected, 6);
    });

    it('looks the same whatever the voxels: the same box with twice the slices, half as thick, draws the same pixel', () => {
      // The view's volumes and the figure's are binned differently (the GPU's limits; the figure's depth axis).
      // (Values whose rays keep over 1 % of the light: where it stops, the cut-off falls between samples.)
      for (const value of [0.1, 0.25]) {
        const coarse = centre(renderVolume(uniform(6, value, 2), top));
        const fine = centre(renderVolume(uniform(12, value, 1), top));
        expect(fine).toBeGreaterThan(0.05 * value);
        expect(Math.abs(fine - coarse)).toBeLessThan(1e-6);
      }
    });

    it('a ray crossing voxels obliquely takes each one over its own path: one bright voxel of three, seen at 45°', () => {
      // 3 × 1 × 3 voxels, 1 nm each, the middle one (x 1, z 1) at 0.5, the rest 0; seen along the
      // x–z diagonal (azimuth 90°, elevation 45°) the centre ray runs corner to corner through
      // the middle voxel: √2 nm of its 3-nm-wide box.
      const data = new Float32Array(9);
      data[1 * 3 + 1] = 0.5;
      const r = renderVolume({ data, nx: 3, ny: 1, nz: 3, voxelNm: { x: 1, y: 1, z: 1 } }, { ...top, widthPx: 101, heightPx: 101, azimuthDeg: 90, elevationDeg: 45 });
      const a = compositeOpacity(0.5, Math.SQRT2 / 3);
      expect(r.image[50 * 101 + 50]).toBeCloseTo(a * 0.5, 5);
    });

    it('a voxel with no value (NaN) lets the light through: the pixel is what lies behind it', () => {
      const data = new Float32Array(nx * ny * 4).fill(0.5);
      data.fill(NaN, 0, nx * ny); // the top slice
      const behind = centre(renderVolume({ data: new Float32Array(nx * ny * 3).fill(0.5), nx, ny, nz: 3, voxelNm: { x: 1, y: 1, z: 1 } }, top));
      const shown = centre(renderVolume({ data, nx, ny, nz: 4, voxelNm: { x: 1, y: 1, z: 1 } }, top));
      expect(Number.isNaN(shown)).toBe(false);
      expect(shown).toBeCloseTo(behind, 6);
    });

    it('a deep uniform region shows its own value on the colour scale, never more', () => {
      // It was scaled by 1/0.6: 0.5 of the scale read as 0.83, and every value from 0.6 up as the top colour.
      for (const value of [0.3, 0.5, 0.9]) {
        const shown = centre(renderVolume(uniform(400, value), top));
        expect(shown).toBeLessThanOrEqual(value);
        expect(shown).toBeGreaterThan(0.98 * value);
      }
      // Above the scale's top a voxel counts as the top (1), as the colour bar's clipped end says.
      expect(centre(renderVolume(uniform(400, 5), top))).toBeLessThanOrEqual(1);
    });
  });
});
