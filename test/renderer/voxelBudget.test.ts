import { describe, expect, it } from 'vitest';
import { GPU_VOXELS, SOFTWARE_VOXELS, voxelBudget } from '../../renderer/src/views/voxelBudget.js';
import { volumeBinning } from '../../core/sims/volume.js';

describe("the 3-D view's voxel budget", () => {
  it('software WebGL, or a renderer that gives no name, keeps the budget three volumes can be drawn with on the CPU', () => {
    for (const name of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Mesa softpipe',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
      '',
      null,
    ]) {
      expect(voxelBudget(name), String(name)).toBe(SOFTWARE_VOXELS);
    }
  });

  it('a GPU gets the larger budget: a 256 × 256 × 455 stack binned 3 × 3 pixels a voxel, not 5 × 5', () => {
    for (const name of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Apple M2', 'Mesa Intel(R) UHD Graphics 620 (KBL GT2)', 'AMD Radeon Pro 5500M OpenGL Engine']) {
      expect(voxelBudget(name), name).toBe(GPU_VOXELS);
    }
    expect(volumeBinning(256, 256, 455, 2048, GPU_VOXELS)).toEqual([3, 3, 1]);
    expect(volumeBinning(256, 256, 455, 2048, SOFTWARE_VOXELS)).toEqual([5, 5, 1]);
    // Within what a state's payload may carry (getVolume's bound).
    expect(GPU_VOXELS).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});
