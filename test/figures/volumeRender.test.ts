import { describe, expect, it } from 'vitest';
import { renderVolume } from '../../core/figures/volumeRender.js';

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

  it('stretches depth by the z exaggeration', () => {
    const data = volumeWith(nx, ny, nz, []);
    const flat = renderVolume({ data, nx, ny, nz, voxelNm: { x: 100, y: 100, z: 1 } }, { ...base, azimuthDeg: 0, elevationDeg: 0 });
    const tall = renderVolume({ data, nx, ny, nz, voxelNm: { x: 100, y: 100, z: 1 } }, { ...base, azimuthDeg: 0, elevationDeg: 0, zExaggeration: 100 });
    const height = (r: typeof flat) => Math.max(...r.corners.map((c) => c[1])) - Math.min(...r.corners.map((c) => c[1]));
    const width = (r: typeof flat) => Math.max(...r.corners.map((c) => c[0])) - Math.min(...r.corners.map((c) => c[0]));
    expect(height(flat) / width(flat)).toBeCloseTo(10 / 2000, 2);
    expect(height(tall) / width(tall)).toBeCloseTo(1000 / 2000, 2);
  });
});
