/**
 * How many voxels each state's volume may have in the 3-D view, from the WebGL renderer that
 * draws it. Software WebGL (SwiftShader, llvmpipe: what the view falls back to without a GPU, and
 * what the tests run on) must still draw three volumes interactively: 96 × 96 × 160 voxels'
 * worth. A GPU draws far more: a 256 × 256 × 455 stack is binned 3 × 3 pixels a voxel, not 5 × 5,
 * a 512 × 512 × 1000 one 7 × 7, not 14 × 14 (every scan kept: lateral detail goes first), the
 * payload (Float32, as base64) at most ~35 MB a state. A renderer that does not name itself is
 * taken as software. Pure: tested alone (test/renderer/voxelBudget.test.ts).
 */

import { VOLUME_FIGURE_MAX_VOXELS } from '../../../core/api/contract.js';

export const SOFTWARE_VOXELS = 96 * 96 * 160;
/** A GPU's budget: the most a `volume` figure bins to as well, so the view's export draws its voxels. */
export const GPU_VOXELS = VOLUME_FIGURE_MAX_VOXELS;

/** WebGL renderers that draw on the CPU, by the names they give (WEBGL_debug_renderer_info). */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/** The voxel budget for a renderer named `renderer` (null: it gives no name). */
export function voxelBudget(renderer: string | null): number {
  return renderer !== null && renderer.trim() !== '' && !SOFTWARE.test(renderer) ? GPU_VOXELS : SOFTWARE_VOXELS;
}

/** The name a WebGL context gives its renderer, where it says (null where the browser keeps it back). */
export function rendererName(gl: WebGLRenderingContext | WebGL2RenderingContext): string | null {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null;
  return typeof name === 'string' ? name : null;
}
