/**
 * A row of 3-D renderings, one panel per state on one colour scale, with its colour bar: Fig. 4's
 * second row and the whole of the 3-D view's figure (volumeFigure.ts). Pure: SVG strings out.
 */
import { colorbar } from './colorbar.js';
import type { ColormapName } from './colormaps.js';
import { twoSignificant } from './stats.js';
import { panel, panelLetter, text, TYPE } from './svg.js';
import { volumePanel } from './volumePanel.js';
import type { Volume } from './volumeRender.js';

export interface VolumeRowState {
  state: string;
  volume?: Volume;
  /** Depth of the volume's top below the surface, nm (a part of the stack); default 0. */
  depthTopNm?: number;
}

export interface VolumeRowOptions {
  /** Left edge of the first panel, its top (the state titles), pt. */
  x: number;
  y: number;
  cellWidthPt: number;
  gapPt: number;
  /** Height of a panel below its title: the rendering and its caption, pt. */
  heightPt: number;
  /** Where the colour bar stands, and its width, pt. */
  colorbarX: number;
  colorbarWidthPt: number;
  colormap: ColormapName;
  /** The colour scale's top (its bottom is 0) and whether data lie above it. */
  max: number;
  clippedHigh: boolean;
  label: string;
  scaleId: string;
  zExaggeration: number;
  pxPerPt: number;
  lateralKnown: boolean;
  mode?: 'mip' | 'composite';
  azimuthDeg?: number;
  elevationDeg?: number;
  /** The next panel letter (panels without a volume take none). */
  letter: () => string;
}

/** Height of a state's title above its panel, pt. */
export const VOLUME_TITLE_PT = TYPE.basePt + 4;

/** A depth exaggeration that makes the box 0.3× as deep as it is wide (a thin stack under a wide field is otherwise a sheet), two significant digits. */
export function autoZExaggeration(v: Volume): number {
  const lateralNm = v.nx * v.voxelNm.x;
  const depthNm = v.nz * v.voxelNm.z;
  return Math.max(1, twoSignificant((0.3 * lateralNm) / depthNm));
}

/** The row's SVG parts: a titled panel per state with a volume (at its place among all states), then the colour bar. */
export function volumeRow(states: readonly VolumeRowState[], o: VolumeRowOptions): string[] {
  const parts: string[] = [];
  let captionH = 0;
  states.forEach((s, i) => {
    if (!s.volume) return;
    const x = o.x + i * (o.cellWidthPt + o.gapPt);
    const l = o.letter();
    const vp = volumePanel(s.volume, {
      x: 0, y: VOLUME_TITLE_PT, widthPt: o.cellWidthPt, heightPt: o.heightPt, min: 0, max: o.max, colormap: o.colormap, scaleId: o.scaleId,
      zExaggeration: o.zExaggeration, pxPerPt: o.pxPerPt, state: s.state, lateralKnown: o.lateralKnown,
      mode: o.mode, azimuthDeg: o.azimuthDeg, elevationDeg: o.elevationDeg, depthTopNm: s.depthTopNm,
    });
    captionH = vp.captionHeightPt;
    parts.push(panel(x, o.y, `volume-${s.state}`, panelLetter(0, TYPE.panelLetterPt, l), text(o.cellWidthPt / 2, TYPE.basePt + 1, s.state, { 'text-anchor': 'middle', 'data-state-title': s.state }), vp.svg));
  });
  parts.push(colorbar({ x: o.colorbarX, y: o.y + VOLUME_TITLE_PT, widthPt: o.colorbarWidthPt, heightPt: o.heightPt - captionH, min: 0, max: o.max, map: o.colormap, label: o.label, id: `cb-${o.scaleId}`, scaleId: o.scaleId, clippedHigh: o.clippedHigh }));
  return parts;
}
