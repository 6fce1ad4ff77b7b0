/**
 * The paper's Fig. 4 as one figure, of the analyte (Li, or another the stack names): its 2-D
 * maps of the states on one colour scale, 3-D renderings on one scale, the depth profiles of
 * the states with their layers, and the normalised profile over the SEM cross-section. Pure: results in, SVG string out; panels
 * whose data are missing are left out and the letters follow the panels that are there.
 */
import type { ColormapName } from './colormaps.js';
import { colorbar, colorbarWidthPt, exceeds } from './colorbar.js';
import { mapImage } from './imagePanel.js';
import type { MapImage } from './imagePanel.js';
import { profilePlot, type LayerSpan, type ProfileSeries } from './profilePlot.js';
import { volumeRenderPxPerPt } from './renderResolution.js';
import { greyToPngDataUri } from './raster.js';
import { semDepthRaster, type SemPixels } from './semRaster.js';
import { pooledMax, pooledQuantile, VOLUME_SCALE_QUANTILE } from './stats.js';
import { el, figureRoot, imageHref, panel, panelLetter, PT_PER_MM, text, TYPE } from './svg.js';
import { autoZExaggeration, volumeRow } from './volumeRow.js';
import type { Volume } from './volumeRender.js';
import { ionNotation, speciesName } from '../model/ions.js';
import type { LayerSegment } from '../model/report.js';

/** A layer as the report gives it (time and depth range, role and label). */
export type LiFigureLayer = Pick<LayerSegment, 'role' | 'label' | 'startS' | 'endS' | 'startNm' | 'endNm'>;

export interface LiFigureState {
  state: string;
  /** Li map (y × x), counts per pixel over the depth range the caption names. */
  map?: MapImage;
  /** Li volume with z on a uniform depth axis (see volumeOnDepthAxis). */
  volume?: Volume;
  /** Li per scan as analysed (corrected, normalised), σ from Poisson statistics. */
  profile?: { timeS: ArrayLike<number>; values: ArrayLike<number>; sigma: ArrayLike<number>; depthNm?: ArrayLike<number> };
  layers: LiFigureLayer[];
}

export interface LiFigureInput {
  /** States in display order (pristine, charged, discharged …). */
  states: LiFigureState[];
  widthMm: number;
  /** Analyte ion, e.g. `Li-`, `7Li-` or `Na+`: the labels and the default title name it. Default `Li-`. */
  ion?: string;
  /**
   * What the analysis divided the analyte by before the figure scales every state by the largest
   * value of any: nothing (counts), the total ion count, or a reference ion. Default: nothing.
   */
  profileNormalization?: { mode: 'none' | 'tic' | 'reference'; referenceIon?: string };
  /** Map pixel size, nm, for the scale bars (null: no scale bar, and the caption says so). */
  mapPixelSizeNm: number | null;
  /** What the maps sum over, for the colour-bar title, e.g. `all layers`. */
  mapRange?: string;
  /**
   * Cross-section behind the normalised profile: surface row and nm per image row, and the state
   * it was taken of (one state's image lies behind every state's profile: the panel says whose).
   */
  sem?: SemPixels & { surfaceRowPx: number; nmPerRowPx: number; state?: string };
  colormap?: ColormapName;
  /** Depth exaggeration of the 3-D renderings; default: the box is 0.3× as deep as wide. */
  zExaggeration?: number;
  /** Pixels per pt of the 3-D renderings; default: vector output's (volumeRenderPxPerPt(null), 300 ppi). */
  renderPxPerPt?: number;
  title?: string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const GAP = 6;
const TITLE_H = TYPE.basePt + 4;

/** The largest finite value of a series (-Infinity when none). */
function maxFinite(values: ArrayLike<number> | undefined): number {
  let max = -Infinity;
  for (let i = 0; i < (values?.length ?? 0); i++) if (values![i] > max) max = values![i];
  return max;
}

/** The depth the profile-over-SEM panel and 3-D boxes show: the stack plus a bit of substrate. */
export function displayDepthNm(layers: LiFigureLayer[]): number {
  const sub = layers[layers.length - 1];
  const bottom = layers.length > 1 ? sub.startNm : sub?.endNm;
  return Number.isFinite(bottom) && bottom > 0 ? bottom * 1.2 : NaN;
}

/**
 * The state whose layers band the profile panels (one set of bands under every state's curve):
 * the first with a profile, else the first.
 */
export function bandLayersState(states: readonly LiFigureState[]): LiFigureState | undefined {
  return states.find((s) => s.profile) ?? states[0];
}

/**
 * How far the other states' interfaces lie from the band state's, at most: in sputter time (s)
 * and in depth (nm), over the interfaces (a layer's top) of the roles both have. Null when no
 * other state with a profile shares one. For the notes: bands drawn from one state stand for the
 * others only as far as their interfaces agree.
 */
export function interfaceOffsetsFromBands(states: readonly LiFigureState[]): { others: string[]; maxS: number; maxNm: number } | null {
  const ref = bandLayersState(states);
  if (!ref) return null;
  const refTop = new Map(ref.layers.slice(1).map((l) => [l.role, l]));
  let maxS = 0;
  let maxNm = 0;
  const others: string[] = [];
  for (const s of states) {
    if (s === ref || !s.profile) continue;
    let shared = false;
    for (const l of s.layers.slice(1)) {
      const r = refTop.get(l.role);
      if (!r) continue;
      shared = true;
      maxS = Math.max(maxS, Math.abs(l.startS - r.startS));
      if (Number.isFinite(l.startNm) && Number.isFinite(r.startNm)) maxNm = Math.max(maxNm, Math.abs(l.startNm - r.startNm));
    }
    if (shared) others.push(s.state);
  }
  return others.length ? { others, maxS, maxNm } : null;
}

/** What the analyte was divided by, as the labels write it (' / total', ' / C₂⁻'), or '' for counts. */
function divisorText(divisor: LiFigureInput['profileNormalization']): string {
  if (divisor?.mode === 'tic') return ' / total';
  if (divisor?.mode === 'reference' && divisor.referenceIon) return ` / ${ionNotation(divisor.referenceIon)}`;
  return '';
}

export function liFigure(input: LiFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const cmap = input.colormap ?? 'viridis';
  const ion = ionNotation(input.ion ?? 'Li-');
  const states = input.states;
  const n = states.length;
  const parts: string[] = [];
  let letter = 0;
  const nextLetter = (): string => LETTERS[letter++];
  let y = 4;
  const left = 2;
  const cbW = 6;
  const withMaps = states.filter((s) => s.map);
  const withVol = states.filter((s) => s.volume);
  // Shared scales: 0 … a high quantile of all states pooled (a single hot pixel must not set
  // the scale; a zero minimum keeps ratios between states honest).
  const mapMax = withMaps.length ? pooledQuantile(withMaps.map((s) => s.map!.values), 0.995) || 1 : 1;
  const volMax = withVol.length ? pooledQuantile(withVol.map((s) => s.volume!.data), VOLUME_SCALE_QUANTILE) || 1 : 1;
  // Data above a scale's top are drawn in its top colour: the bar says so (clippedHigh).
  const mapClipped = exceeds(withMaps.map((s) => s.map!.values), mapMax);
  const volClipped = exceeds(withVol.map((s) => s.volume!.data), volMax);
  const divisor = input.profileNormalization;
  const per = divisorText(divisor);
  // A normalised map is each scan's counts × (mean divisor ÷ that scan's divisor): counts on the
  // scale of the mean divisor, named as the profiles figure names normalised counts ("/ total").
  const mapUnit = divisor?.mode === 'tic' ? 'counts/pixel at the mean total' : per ? `counts/pixel at the mean${per.slice(2)} count` : 'counts/pixel';
  const mapLabel = `${ion}${per} (${mapUnit}${input.mapRange ? `, ${input.mapRange}` : ''})`;
  const volLabel = `${ion} (counts/voxel)`;
  const ref = withMaps[0]?.map;
  const geometry = (cbSpace: number): { cellW: number; mapH: number; volH: number } => {
    const cellW = (W - left - cbSpace - GAP * (n - 1)) / Math.max(1, n);
    return { cellW, mapH: ref ? Math.min(cellW * (ref.height / ref.width), cellW * 1.2) : 0, volH: cellW * 0.8 };
  };
  // The colour bars' width depends on their height (titles wrap), which depends on the cell
  // width: two passes settle it.
  let cbSpace = GAP + 40;
  for (let pass = 0; pass < 2; pass++) {
    const g = geometry(cbSpace);
    const wMap = withMaps.length ? colorbarWidthPt({ widthPt: cbW, heightPt: g.mapH, min: 0, max: mapMax, map: cmap, label: mapLabel }) : 0;
    const wVol = withVol.length ? colorbarWidthPt({ widthPt: cbW, heightPt: g.volH * 0.75, min: 0, max: volMax, map: cmap, label: volLabel }) : 0;
    cbSpace = GAP + Math.max(wMap, wVol) + 1;
  }
  const { cellW, mapH, volH } = geometry(cbSpace);
  const cbX = W - cbSpace + GAP;

  // Row 1: maps on one shared scale.
  if (withMaps.length) {
    states.forEach((s, i) => {
      if (!s.map) return;
      const x = left + i * (cellW + GAP);
      const l = nextLetter();
      parts.push(
        panel(x, y, `map-${s.state}`, panelLetter(0, TYPE.panelLetterPt, l), text(cellW / 2, TYPE.basePt + 1, s.state, { 'text-anchor': 'middle', 'data-state-title': s.state }),
          mapImage(s.map, { x: 0, y: TITLE_H, widthPt: cellW, heightPt: mapH, min: 0, max: mapMax, colormap: cmap, scaleId: 'li-map', pixelSizeNm: input.mapPixelSizeNm, state: s.state })),
      );
    });
    parts.push(colorbar({ x: cbX, y: y + TITLE_H, widthPt: cbW, heightPt: mapH, min: 0, max: mapMax, map: cmap, label: mapLabel, id: 'cb-li-map', scaleId: 'li-map', clippedHigh: mapClipped }));
    y += TITLE_H + mapH + GAP + 2;
  }

  // Row 2: 3-D renderings on one shared scale.
  if (withVol.length) {
    parts.push(
      ...volumeRow(states, {
        x: left, y, cellWidthPt: cellW, gapPt: GAP, heightPt: volH, colorbarX: cbX, colorbarWidthPt: cbW, colormap: cmap, max: volMax, clippedHigh: volClipped,
        label: volLabel, scaleId: 'li-volume', zExaggeration: input.zExaggeration ?? autoZExaggeration(withVol[0].volume!),
        pxPerPt: input.renderPxPerPt ?? volumeRenderPxPerPt(null), lateralKnown: input.mapPixelSizeNm !== null, letter: nextLetter,
      }),
    );
    y += TITLE_H + volH + GAP + 2;
  }

  // Row 3: profiles (time) and profiles over the SEM cross-section (depth).
  const withProfile = states.filter((s) => s.profile);
  const bandState = bandLayersState(states);
  const refLayers = bandState?.layers ?? [];
  // The other states' interfaces, ticked where they lie apart from the bands (profilePlot).
  const otherInterfaces = (useDepth: boolean) =>
    withProfile.filter((s) => s !== bandState).map((s) => ({ state: s.state, stateIndex: states.indexOf(s), at: s.layers.slice(1).map((l) => (useDepth ? l.startNm : l.startS)) }));
  // One normalisation for all states (the largest value of any): relative levels between
  // states are what the figure is about, so each state is not scaled to its own maximum.
  const norm = pooledMax(withProfile.map((s) => s.profile!.values)) || 1;
  const series = (useDepth: boolean): ProfileSeries[] =>
    withProfile
      .filter((s) => !useDepth || s.profile!.depthNm)
      .map((s) => ({
        state: s.state,
        // Its colour by its place among all the states, as in the other figures (not among those with a profile).
        stateIndex: states.indexOf(s),
        x: useDepth ? s.profile!.depthNm! : s.profile!.timeS,
        y: Array.from(s.profile!.values, (v) => v / norm),
        sigma: Array.from(s.profile!.sigma, (v) => v / norm),
      }));
  // Depth shown: the stack plus a little substrate, but not beyond the bottom of the SEM image
  // nor beyond the deepest profile point (an axis running past the data reads as missing data).
  const semBottomNm = input.sem ? (input.sem.height - input.sem.surfaceRowPx) * input.sem.nmPerRowPx : Infinity;
  const dataEndNm = Math.max(...withProfile.map((s) => maxFinite(s.profile!.depthNm)));
  const depthMax = Math.min(displayDepthNm(refLayers), semBottomNm, dataEndNm > 0 ? dataEndNm : Infinity);
  const canOverlay = withProfile.some((s) => s.profile!.depthNm) && Number.isFinite(depthMax);
  const sideBySide = W >= 380 && canOverlay && withProfile.length > 0;
  const plotW = sideBySide ? (W - left - GAP) / 2 : W - left;
  const plotH = sideBySide ? plotW * 0.62 : Math.min(plotW * 0.5, 190);
  // Says what the curves are: 'normalised' alone was read as divided by the total ion count
  // when it was only scaled to the largest value.
  const yLabel = `${ion}${per || ' counts'} (rel. to max.)`;
  if (withProfile.length) {
    const tMax = Math.max(...withProfile.map((s) => s.profile!.timeS[s.profile!.timeS.length - 1]));
    const spans: LayerSpan[] = refLayers.map((l) => ({ role: l.role, label: l.label, start: l.startS, end: l.endS }));
    parts.push(
      panel(left, y, 'profiles', panelLetter(0, TYPE.panelLetterPt, nextLetter()),
        profilePlot(series(false), { x: 6, y: 0, widthPt: plotW - 6, heightPt: plotH, xDomain: [0, tMax], yDomain: [0, 1.05], xLabel: 'Sputter time (s)', yLabel, layers: spans, clipId: 'clip-profiles', otherInterfaces: otherInterfaces(false) })),
    );
  }
  if (canOverlay) {
    const px = sideBySide ? left + plotW + GAP : left;
    const py = sideBySide ? y : y + plotH + GAP;
    const spans: LayerSpan[] = refLayers.map((l) => ({ role: l.role, label: l.label, start: l.startNm, end: l.endNm }));
    const sem = input.sem;
    const backdrop = sem
      ? (a: { x: number; y: number; width: number; height: number }): string => {
          const columns = Math.max(16, Math.min(1200, Math.round(depthMax / sem.nmPerRowPx)));
          const rows = Math.max(8, Math.round((columns * a.height) / a.width));
          const r = semDepthRaster(sem, { depthMaxNm: depthMax, columns, rows });
          return el('image', { ...a, ...imageHref(greyToPngDataUri(r.grey, r.width, r.height)), preserveAspectRatio: 'none', 'data-sem-backdrop': 'true' });
        }
      : undefined;
    parts.push(
      panel(px, py, 'sem-overlay', panelLetter(0, TYPE.panelLetterPt, nextLetter()),
        profilePlot(series(true), {
          x: 6, y: 0, widthPt: plotW - 6, heightPt: plotH, xDomain: [0, depthMax], yDomain: [0, 1.05], xLabel: 'Depth (nm)', yLabel, layers: spans, clipId: 'clip-sem-overlay', otherInterfaces: otherInterfaces(true),
          backdrop, backdropLabel: sem ? `SEM: ${sem.state ?? 'cross-section'}` : undefined,
        })),
    );
    y = (sideBySide ? y : py) + plotH + GAP;
  } else if (withProfile.length) {
    y += plotH + GAP;
  }
  const heightMm = y / PT_PER_MM;
  return figureRoot(input.widthMm, heightMm, el('g', { 'data-figure': 'li', 'data-states': states.map((s) => s.state).join(',') }, ...parts), {
    title: input.title ?? `${speciesName(input.ion ?? 'Li-')} distribution across cell states`,
    description: `${ion} maps, 3-D renderings and depth profiles of ${states.map((s) => s.state).join(', ')}`,
  });
}
