/**
 * The workbench's 3-D view as a figure: each state's volume of one ion, side by side on one
 * colour scale, with the view's rendering (maximum intensity or composite), camera and depth
 * exaggeration, and the part of the stack it shows (a clipped depth range starts below the
 * surface: its depth ticks say where). Fig. 4 keeps the paper's whole-stack renderings of the
 * analyte; this is the view a scientist turned and clipped. Pure: volumes in, SVG string out.
 */
import { exceeds, colorbarWidthPt } from './colorbar.js';
import type { ColormapName } from './colormaps.js';
import { volumeRenderPxPerPt } from './renderResolution.js';
import { pooledQuantile, VOLUME_SCALE_QUANTILE } from './stats.js';
import { el, figureRoot, PT_PER_MM } from './svg.js';
import { autoZExaggeration, VOLUME_TITLE_PT, volumeRow } from './volumeRow.js';
import type { VolumeRowState } from './volumeRow.js';
import { ionNotation } from '../model/ions.js';

export interface VolumeFigureInput {
  /** States in display order; those without a volume keep their place empty. */
  states: VolumeRowState[];
  widthMm: number;
  /** The ion shown, e.g. `Li-`. */
  ion: string;
  /** Whether the counts were dead-time corrected (the colour bar says so). */
  deadTimeCorrected: boolean;
  mode: 'mip' | 'composite';
  azimuthDeg: number;
  elevationDeg: number;
  /** Default: the box 0.3× as deep as wide (autoZExaggeration). */
  zExaggeration?: number;
  /** The colour scale's top (its bottom is 0), e.g. the 3-D view's; default: the 99.8 % quantile of the voxels shown. */
  colourMax?: number;
  /** Whether the volumes' lateral size is known (the caption then gives it). */
  lateralKnown: boolean;
  colormap?: ColormapName;
  /** Pixels per pt of the renderings; default: vector output's. */
  renderPxPerPt?: number;
  /** What each panel shows (file, scans, pixels, depths): kept in the SVG's description, as the figure does not print it. */
  notes?: readonly string[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const GAP = 6;
const LEFT = 2;
const COLORBAR_W = 6;

/** The colour bar's title: the ion, the unit, what was done to the counts and how they are drawn. */
export function volumeScaleLabel(ion: string, deadTimeCorrected: boolean, mode: 'mip' | 'composite'): string {
  return `${ionNotation(ion)} (mean counts/voxel${deadTimeCorrected ? ', dead-time corrected' : ''}; ${mode === 'mip' ? 'maximum along each ray' : 'composite'})`;
}

export function volumeFigure(input: VolumeFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const cmap = input.colormap ?? 'viridis';
  const withVol = input.states.filter((s) => s.volume);
  if (!withVol.length) throw new RangeError('volume figure: no state has a volume');
  const n = input.states.length;
  // One scale for every state, from 0 (ratios between states stay honest) to the caller's top
  // or a high quantile (one hot voxel must not set it); voxels above it are marked on the bar.
  const max = input.colourMax ?? (pooledQuantile(withVol.map((s) => s.volume!.data), VOLUME_SCALE_QUANTILE) || 1);
  const label = volumeScaleLabel(input.ion, input.deadTimeCorrected, input.mode);
  // The bar's width depends on its height (its title wraps), which depends on the cells': two passes settle it.
  const cellWidth = (cbSpace: number): number => (W - LEFT - cbSpace - GAP * (n - 1)) / Math.max(1, n);
  let cbSpace = GAP + 40;
  for (let pass = 0; pass < 2; pass++) cbSpace = GAP + colorbarWidthPt({ widthPt: COLORBAR_W, heightPt: cellWidth(cbSpace) * 0.8 * 0.75, min: 0, max, map: cmap, label }) + 1;
  const cellW = cellWidth(cbSpace);
  const cellH = cellW * 0.8;
  let letter = 0;
  const parts = volumeRow(input.states, {
    x: LEFT, y: 4, cellWidthPt: cellW, gapPt: GAP, heightPt: cellH, colorbarX: W - cbSpace + GAP, colorbarWidthPt: COLORBAR_W, colormap: cmap, max,
    clippedHigh: exceeds(withVol.map((s) => s.volume!.data), max), label, scaleId: 'volume',
    zExaggeration: input.zExaggeration ?? autoZExaggeration(withVol[0].volume!), pxPerPt: input.renderPxPerPt ?? volumeRenderPxPerPt(null),
    lateralKnown: input.lateralKnown, mode: input.mode, azimuthDeg: input.azimuthDeg, elevationDeg: input.elevationDeg, letter: () => LETTERS[letter++],
  });
  const heightMm = (4 + VOLUME_TITLE_PT + cellH + 4) / PT_PER_MM;
  const states = input.states.map((s) => s.state);
  return figureRoot(input.widthMm, heightMm, el('g', { 'data-figure': 'volume', 'data-states': states.join(','), 'data-ion': input.ion }, ...parts), {
    title: `3-D distribution of ${ionNotation(input.ion)} across cell states`,
    description: [`${ionNotation(input.ion)} volumes of ${states.join(', ')}`, ...(input.notes ?? [])].join('; '),
  });
}
