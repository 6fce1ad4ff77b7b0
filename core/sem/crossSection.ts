import type { SectionGeometry } from '../model/semImage.js';
import { AnalysisError } from '../model/errors.js';
import { layerName, type LayerDef, type LayerStack } from '../model/layerStack.js';
import type { SemLayerThickness, SemResult } from '../model/report.js';
import type { SemImage } from '../model/semImage.js';
import { findLayerOrientation } from './orientation.js';
import { projectAcross, wellAveraged } from './projection.js';
import { asRaster, clipRoi } from './raster.js';
import type { RoiPx } from './raster.js';
import { fitStepCounts, gaussianSmooth, gradient, strongestEdge } from './steps.js';
import type { StepFit } from './steps.js';
import { MAX_TILT_DEG, normalThicknessNm, roundDeg } from './tilt.js';

export interface CrossSectionOptions {
  /** The view angle θ itself, overriding the image's tilt and `section` (see tilt.ts). */
  tiltDeg?: number;
  /** How the image's stage tilt becomes θ (default 'cleaved': θ = T). */
  section?: SectionGeometry;
  /** Region to analyse, px; the whole image by default. */
  roi?: RoiPx;
  /** Layer angle, degrees, when known; searched over ±`maxAngleDeg` otherwise. */
  angleDeg?: number;
  maxAngleDeg?: number;
  /** Strips along the layers for the spread (default: one per ~48 px, 3 to 12). */
  strips?: number;
  /** Smoothing of the profile before the gradient, px (default 1). */
  smoothPx?: number;
}

export interface BoundaryDetail {
  /** Roles above and below ('above' for what is over the stack, 'bulk' under the substrate). */
  upper: string;
  lower: string;
  /** Position across the layers, u = −x·sin α + y·cos α, px. */
  uPx: number;
  /** The same as an image row at the ROI's horizontal centre. */
  yPxAtCentre: number;
  /** Grey-level step across it (lower minus upper). */
  contrast: number;
  /** Position in each strip (null where no edge of that polarity was found). */
  stripUPx: (number | null)[];
}

export interface CrossSectionDetails {
  angleDeg: number;
  /** The view angle θ the thicknesses were corrected for. */
  tiltDeg: number;
  /** How θ was had: given, or from the stage tilt by the section's geometry (cleaved when not said). */
  tiltFrom: { given: true } | { given: false; stageTiltDeg: number; section: SectionGeometry | null };
  roi: RoiPx;
  boundaries: BoundaryDetail[];
  /** The averaged profile across the layers (u from `profileU0Px`, 1-px steps). */
  profileU0Px: number;
  profile: number[];
  strips: number;
  /** Whether the substrate's over-layer (e.g. SiO2 on Si) was resolved and measured. */
  substrateMeasured: boolean;
  warnings: string[];
}

export type CrossSectionResult = SemResult & { details: CrossSectionDetails };

/** A step fit is trusted when its weakest step is not lost among the others. */
const WEAKEST_STEP_SHARE = 0.2;
/** Two interfaces closer than this (px) after refinement are one edge counted twice. */
const MIN_EDGE_GAP_PX = 2;
/** An interface must have a gradient this many noise σ strong. */
const MIN_EDGE_SNR = 5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function stepContrasts(fit: StepFit): number[] {
  return fit.levels.slice(1).map((l, i) => l - fit.levels[i]);
}

/**
 * The interfaces in doubt, each with why: a gradient under MIN_EDGE_SNR σ of the noise, one
 * closer than MIN_EDGE_GAP_PX to the interface above (one edge counted twice), or a step under
 * WEAKEST_STEP_SHARE of the median step (lost among the others). The same tests as distinctEdges
 * and the fit's balance, told per interface: "an interface is weak or doubtful" left the user
 * to guess which of five.
 */
function doubtfulEdges(edges: Edge[], fit: StepFit, gradientNoise: number): { index: number; why: string }[] {
  const steps = stepContrasts(fit).map(Math.abs);
  const medianStep = median(steps);
  const out: { index: number; why: string }[] = [];
  edges.forEach((e, i) => {
    const why: string[] = [];
    if (!(e.strength > 0 && e.strength >= MIN_EDGE_SNR * gradientNoise)) why.push(gradientNoise > 0 ? `gradient ${(e.strength / gradientNoise).toFixed(1)}σ of the noise` : 'no gradient');
    if (i > 0 && e.at - edges[i - 1].at < MIN_EDGE_GAP_PX) why.push(`${(e.at - edges[i - 1].at).toFixed(1)} px below the one above`);
    if (steps[i] < WEAKEST_STEP_SHARE * medianStep) why.push(`step ${Math.round((100 * steps[i]) / medianStep)} % of the median step`);
    if (why.length) out.push({ index: i, why: why.join(', ') });
  });
  return out;
}

interface Edge {
  /** Refined position, profile bins. */
  at: number;
  sign: number;
  window: number;
  /** |gradient| at the edge. */
  strength: number;
}

/** Each fitted step moved to the strongest gradient of its polarity nearby (sub-pixel). */
function refineEdges(fit: StepFit, g: Float64Array, n: number): Edge[] {
  const contrasts = stepContrasts(fit);
  return fit.starts.map((b, i) => {
    const prevLen = b - (i === 0 ? 0 : fit.starts[i - 1]);
    const nextLen = (i + 1 < fit.starts.length ? fit.starts[i + 1] : n) - b;
    const window = Math.max(1.5, Math.min(8, 0.5 * Math.min(prevLen, nextLen)));
    const sign = Math.sign(contrasts[i]) || 1;
    const at = strongestEdge(g, b - 0.5, window, sign) ?? b - 0.5;
    const strength = Math.abs(g[Math.round(at)] ?? 0);
    return { at, sign, window, strength };
  });
}

/**
 * A fit describes real interfaces when each lands on its own edge (a fit with too many steps
 * splits one blurred edge in two, and both move to the same gradient peak) and each edge
 * stands out of the profile's noise (a step placed in a flat region finds no gradient).
 */
function distinctEdges(edges: Edge[], gradientNoise: number): boolean {
  // strength > 0 too: where over half the profile is flat the noise estimate is 0, and a
  // step placed on a flat stretch (no gradient at all) would otherwise pass.
  return edges.every((e, i) => e.strength > 0 && e.strength >= MIN_EDGE_SNR * gradientNoise && (i === 0 || e.at - edges[i - 1].at >= MIN_EDGE_GAP_PX));
}

/** Robust σ of the gradient: the median absolute gradient (edges are few) as a Gaussian σ. */
function gradientNoise(g: Float64Array): number {
  return 1.4826 * median(Array.from(g, Math.abs));
}

/** "2.3× " or "1/4 of ": a thickness against its nominal one, for messages. */
function ratioText(thicknessNm: number, nominalNm: number): string {
  return thicknessNm > nominalNm ? `${+(thicknessNm / nominalNm).toPrecision(2)}× ` : `1/${+(nominalNm / thicknessNm).toPrecision(2)} of `;
}

/** Off its nominal thickness by more than this factor, either way, a layer's role is in doubt. */
const ROLE_DOUBT_FACTOR = 2;

/**
 * Two neighbouring layers of one grey level show no interface: the fit then gives the stack one
 * layer too few, the pair is measured as one, and every role below moves up by one, each
 * thickness then a neighbour's (cc_aam 350 nm, sei_se 600 nm, cam 150 nm for 150/200/600 nm),
 * every step clear, nothing else to warn of. Two or more layers more than 2× off their nominal
 * thickness (and not already 10× off: another image or scale, said per layer) say so; every
 * layer off by one factor (within 1.5×) is a wrong scale instead, and that is said.
 */
function shiftedRolesWarning(measured: readonly SemLayerThickness[], layers: readonly LayerDef[]): string | null {
  const compared = measured.flatMap((m) => {
    const nominal = layers.find((l) => l.role === m.role)?.nominalThicknessNm;
    return m.implausible || nominal === undefined || !(nominal > 0) ? [] : [{ m, nominal, ratio: m.thicknessNm / nominal }];
  });
  const off = compared.filter((c) => c.ratio > ROLE_DOUBT_FACTOR || c.ratio < 1 / ROLE_DOUBT_FACTOR).map((c) => `${layerName({ layers }, c.m.role)} ${ratioText(c.m.thicknessNm, c.nominal).trim()}`);
  if (off.length < 2) return null;
  // Every layer off by one factor is a scale, not a shift: the pixel size (or the tilt) then.
  const ratios = compared.map((c) => c.ratio);
  if (compared.length === measured.length && Math.max(...ratios) / Math.min(...ratios) <= 1.5) {
    const mid = ratios.sort((a, b) => a - b)[ratios.length >> 1];
    return `every thickness is about ${mid > 1 ? `${+mid.toPrecision(2)}×` : `1/${+(1 / mid).toPrecision(2)} of`} its nominal one: is the pixel size (or the view angle) right?`;
  }
  return `the thicknesses do not follow the nominal ones (${off.join(', ').replace(/ of(?=,|$)/g, '')}): two layers of one grey level may have been measured as one, moving the roles below; check the layer assignment (an ROI, or the interfaces by hand)`;
}

/** How much better the thicknesses must follow the nominal ones read bottom-up than top-down to say so. */
const UPSIDE_DOWN_FACTOR = 4;
/** …and read bottom-up each within this factor of its nominal one. */
const UPSIDE_DOWN_EACH = 1.3;

/**
 * The layers are assigned from the top: an image with the substrate on top (turned 180°, or a
 * lift-out mounted the other way) had its layers measured right and named in reverse, the
 * sample's section upside down giving CC/AAM 200.7 nm and SiO₂/Si 150.2 nm, within 2× of every
 * nominal thickness, so nothing was said. Where the measured thicknesses read bottom-up follow
 * the nominal ones (each within 1.3×) and UPSIDE_DOWN_FACTOR times better than top-down (in the
 * squared log ratios), it is said. Three measured layers at least: two say little.
 */
function upsideDownWarning(measured: readonly SemLayerThickness[], layers: readonly LayerDef[]): string | null {
  const nominal = measured.map((m) => layers.find((l) => l.role === m.role)?.nominalThicknessNm);
  if (measured.length < 3 || nominal.some((n) => n === undefined || !(n > 0))) return null;
  const misfit = (order: readonly SemLayerThickness[]): number => order.reduce((sum, m, i) => sum + Math.log(m.thicknessNm / nominal[i]!) ** 2, 0);
  const reversed = [...measured].reverse();
  const eachClose = reversed.every((m, i) => Math.abs(Math.log(m.thicknessNm / nominal[i]!)) <= Math.log(UPSIDE_DOWN_EACH));
  if (!eachClose || !(misfit(reversed) * UPSIDE_DOWN_FACTOR < misfit(measured))) return null;
  return `the thicknesses follow the nominal ones read from the bottom up (${reversed.map((m) => `${+m.thicknessNm.toPrecision(3)}`).join(', ')} nm against ${nominal.join(', ')}): is the image upside down, the substrate on top? The layers are named from the top; turn the image so the surface is up`;
}

/** Sample standard deviation; null from fewer than two values (no spread is known, not 0). */
function sampleStd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/**
 * columnToRowContrast above which the layers are taken to run top to bottom: cross-sections
 * turned 90° give ~1000, SEM images of other things up to ~2 (orientation.ts). Well above those,
 * so that a section whose layers show little contrast under a strong left-to-right shading is not
 * refused.
 */
const LAYERS_RUN_VERTICALLY = 30;

/**
 * Automatic layer analysis of a cross-section (DOMAIN.md §5):
 * 1. orientation of the layers by projection search (±10°);
 * 2. the image averaged along the layers into one profile across them;
 * 3. interfaces placed by a piecewise-constant fit, then moved to the strongest gradient
 *    nearby (sub-pixel);
 * 4. the same interfaces found in strips along the layers; the spread of each layer's
 *    thickness between strips is its σ;
 * 5. thickness along the layer normal, corrected for tilt (tilt.ts), in nm.
 *
 * Assignment top-down: the image is expected to show something above the stack (vacuum,
 * resin or a protective coating: one region, not reported), then the stack's layers in order.
 * A substrate layer with a nominal thickness (SiO2 on Si) is an over-layer on a bulk: it is
 * measured when its lower interface is resolved (a fit with one more region finds one more
 * distinct edge),
 * otherwise reported without thickness (left out) and the rest of the image is substrate.
 */
export function measureCrossSection(image: SemImage, stack: LayerStack, options: CrossSectionOptions = {}): CrossSectionResult {
  const file = image.source.fileName;
  if (image.pixelSizeNm === null) throw new AnalysisError(`${file}: no pixel size (nothing in the file or a sidecar calibrates this image): give it (strata sem --pixel-size, or Set scale in the workbench)`);
  const pixelSizeNm = image.pixelSizeNm;
  const stageTiltDeg = image.tiltDeg ?? 0;
  // An image the instrument already stretched for its tilt is corrected no further (unless the
  // view angle is given): doing it again counted the tilt twice.
  const byInstrument = options.tiltDeg === undefined ? image.instrumentTiltCorrection : undefined;
  const tiltDeg = options.tiltDeg ?? (byInstrument ? 0 : options.section === 'fib-trench' ? 90 - Math.abs(stageTiltDeg) : stageTiltDeg);
  if (!(Math.abs(tiltDeg) <= MAX_TILT_DEG)) {
    const why = options.tiltDeg === undefined && options.section === 'fib-trench' ? ` (a FIB trench face at stage tilt ${roundDeg(stageTiltDeg)}° is seen nearly edge-on)` : '';
    throw new AnalysisError(`${file}: tilt ${roundDeg(tiltDeg)}° is beyond the ±${MAX_TILT_DEG}° that can be corrected${why}`);
  }
  const raster = asRaster(image);
  const roi = clipRoi(raster, options.roi);
  const warnings: string[] = [];
  // The metadata holds the stage tilt. Taken here as the angle between the beam and the face
  // normal (a cleaved face square to the beam at 0°); a FIB trench face viewed at stage tilt T,
  // the usual dual-beam geometry at 52–54°, is seen at 90° − T instead. Which one an image is,
  // no metadata says: at a tilt where they differ much, say so.
  if (byInstrument) {
    warnings.push(`the instrument corrected the tilt itself (${byInstrument.detail}${byInstrument.angleDeg !== null ? `, for ${roundDeg(byInstrument.angleDeg)}°` : ''}): not corrected again`);
  }
  // Non-square pixels: the layers lie within ±10° of level, so thicknesses (across them, nearly
  // vertical) are measured in the pixel height, not the width the pixel size gives.
  const pixelSizeAcrossNm = pixelSizeNm * (image.pixelAspect ?? 1);
  if (image.pixelAspect !== undefined) warnings.push(`pixels are not square (height ${+(pixelSizeAcrossNm).toPrecision(4)} nm, width ${+pixelSizeNm.toPrecision(4)} nm): thicknesses use the height`);
  if (options.tiltDeg === undefined && options.section === undefined && !byInstrument && Math.abs(tiltDeg) >= 30) {
    const rad = (Math.abs(tiltDeg) * Math.PI) / 180;
    warnings.push(
      `tilt ${roundDeg(tiltDeg)}° is the stage tilt, taken as the angle between the beam and the face normal (a cleaved face: vertical distances × ${(1 / Math.cos(rad)).toFixed(2)}); a FIB trench face viewed at stage tilt T is seen at 90° − T (× ${(1 / Math.sin(rad)).toFixed(2)}): if this is one, say the section is a FIB trench`,
    );
  }

  const layers = stack.layers;
  // Layers as warnings name them: by label (above, below and bulk are not layers of the stack).
  const nameOf = (role: string): string => layerName(stack, role);
  const last = layers[layers.length - 1];
  const substrate: LayerDef | undefined = last?.isSubstrate ? last : undefined;
  const films = substrate ? layers.slice(0, -1) : layers;
  if (!films.length) throw new AnalysisError(`${file}: stack ${stack.id} has no layers to measure`);

  const found = options.angleDeg === undefined ? findLayerOrientation(raster, roi, options.maxAngleDeg ?? 10) : null;
  // The angle is searched near horizontal and some angle is always found: an image whose layers
  // run top to bottom was measured along them, its "thicknesses" made up, without a word.
  if (found && found.columnToRowContrast > LAYERS_RUN_VERTICALLY) {
    throw new AnalysisError(`${file}: the layers seem to run top to bottom (the ${options.roi ? 'region' : 'image'} differs ${Math.round(found.columnToRowContrast)}× more from column to column than from row to row): the measurement wants them running left to right, surface up; rotate the image 90° (if they do run left to right, give their angle: strata sem --angle)`);
  }
  const angleDeg = options.angleDeg ?? found!.angleDeg;
  const angleRad = (angleDeg * Math.PI) / 180;
  const pr = projectAcross(raster, roi, angleRad);
  const { start, end } = wellAveraged(pr);
  const profile = Array.from(pr.mean.subarray(start, end));
  // An image (or region) of one grey level has no interfaces: a fit would still place steps,
  // on nothing, and report thicknesses with σ 0.
  if (Math.max(...profile) - Math.min(...profile) <= 0) throw new AnalysisError(`${file}: no contrast across the layers in the ${options.roi ? 'region' : 'image'} (one grey level): no interface to measure`);
  const smoothPx = options.smoothPx ?? 1;
  const g = gradient(gaussianSmooth(profile, smoothPx));

  // Regions: above + films + substrate(+ bulk when its over-layer is resolved).
  const tryOverlayer = substrate !== undefined && (substrate.nominalThicknessNm ?? 0) > 0;
  const [base, withOverlayer] = fitStepCounts(profile, tryOverlayer ? [films.length + 2, films.length + 3] : [films.length + 2]);
  if (!base) throw new AnalysisError(`${file}: the region is too small for ${films.length} layers`);
  const noise = gradientNoise(g);
  let fit = base;
  let edges = refineEdges(base, g, profile.length);
  let substrateMeasured = false;
  if (substrate && tryOverlayer) {
    const overlayerEdges = withOverlayer ? refineEdges(withOverlayer, g, profile.length) : [];
    if (withOverlayer && distinctEdges(overlayerEdges, noise)) {
      fit = withOverlayer;
      edges = overlayerEdges;
      substrateMeasured = true;
    } else {
      warnings.push(`the lower interface of ${nameOf(substrate.role)} was not resolved: its thickness is not reported`);
    }
  }
  const roles = ['above', ...films.map((l) => l.role), ...(substrate ? [substrate.role] : ['below']), ...(substrateMeasured ? ['bulk'] : [])];
  const doubtful = doubtfulEdges(edges, fit, noise);
  if (doubtful.length) warnings.push(`${doubtful.length === 1 ? 'an interface is' : 'interfaces are'} weak or doubtful: ${doubtful.map((d) => `${nameOf(roles[d.index])} | ${nameOf(roles[d.index + 1])} (${d.why})`).join('; ')}: check the layer assignment`);
  const contrasts = stepContrasts(fit);

  // Strips along the layers: vertical bands of the ROI (the layers are within ±10° of level).
  const strips = Math.max(1, options.strips ?? Math.min(12, Math.max(3, Math.round(roi.width / 48))));
  const stripPositions: (number | null)[][] = edges.map(() => []);
  for (let s = 0; s < strips; s++) {
    const x0 = roi.x + Math.round((s * roi.width) / strips);
    const x1 = roi.x + Math.round(((s + 1) * roi.width) / strips);
    const sp = projectAcross(raster, { x: x0, y: roi.y, width: x1 - x0, height: roi.height }, angleRad);
    const sg = gradient(gaussianSmooth(Array.from(sp.mean, (v) => (Number.isNaN(v) ? 0 : v)), smoothPx));
    // Same u axis: shift the global bin index into this strip's bins.
    const offset = pr.u0 + start - sp.u0;
    const sw = wellAveraged(sp);
    edges.forEach((e, i) => {
      const near = e.at + offset;
      const found = near - e.window >= sw.start && near + e.window < sw.end ? strongestEdge(sg, near, e.window, e.sign) : null;
      stripPositions[i].push(found === null ? null : found - offset);
    });
  }

  const uOf = (i: number): number => pr.u0 + start + i;
  const xc = roi.x + (roi.width - 1) / 2;
  const boundaries: BoundaryDetail[] = edges.map((e, i) => ({
    upper: roles[i],
    lower: roles[i + 1],
    uPx: uOf(e.at),
    yPxAtCentre: (uOf(e.at) + xc * Math.sin(angleRad)) / Math.cos(angleRad),
    contrast: contrasts[i],
    stripUPx: stripPositions[i].map((p) => (p === null ? null : uOf(p))),
  }));

  const measured = films.length + (substrateMeasured ? 1 : 0);
  const out: SemLayerThickness[] = [];
  for (let i = 0; i < measured; i++) {
    const role = roles[i + 1];
    const thicknessNm = normalThicknessNm(edges[i + 1].at - edges[i].at, pixelSizeAcrossNm, angleRad, tiltDeg);
    const perStrip: number[] = [];
    for (let s = 0; s < strips; s++) {
      const top = stripPositions[i][s];
      const bottom = stripPositions[i + 1][s];
      if (top !== null && bottom !== null) perStrip.push(normalThicknessNm(bottom - top, pixelSizeAcrossNm, angleRad, tiltDeg));
    }
    if (perStrip.length < Math.min(2, strips)) warnings.push(`${nameOf(role)}: its interfaces were found in only ${perStrip.length} of ${strips} strips`);
    // A thickness ten times off the stack's nominal one is another image, stack or scale.
    const nominal = layers.find((l) => l.role === role)?.nominalThicknessNm;
    const implausible = nominal !== undefined && nominal > 0 && (thicknessNm > 10 * nominal || thicknessNm < nominal / 10);
    out.push({ role, thicknessNm, sigmaNm: sampleStd(perStrip), ...(implausible ? { implausible: true as const } : {}) });
    if (implausible) {
      warnings.push(`${nameOf(role)}: ${+thicknessNm.toPrecision(3)} nm is ${ratioText(thicknessNm, nominal)}its nominal ${nominal} nm: is this a cross-section of the stack, at the right pixel size?`);
    }
  }
  const shifted = shiftedRolesWarning(out, layers);
  if (shifted) warnings.push(shifted);
  const upsideDown = upsideDownWarning(out.filter((m) => !m.implausible), layers);
  if (upsideDown) warnings.push(upsideDown);

  return {
    file,
    pixelSizeNm,
    pixelSizeSource: image.pixelSizeSource,
    layers: out,
    details: {
      angleDeg,
      tiltDeg,
      tiltFrom: options.tiltDeg !== undefined ? { given: true } : { given: false, stageTiltDeg, section: options.section ?? null },
      roi,
      boundaries,
      profileU0Px: uOf(0),
      profile,
      strips,
      substrateMeasured,
      warnings,
    },
  };
}

/** The report's `sem` section alone (what the ToF-SIMS depth calibration reads). */
export function toSemResult(r: CrossSectionResult): SemResult {
  // The warnings go with it: they say how far the thicknesses, and so the depth axis, can be trusted.
  return { file: r.file, pixelSizeNm: r.pixelSizeNm, pixelSizeSource: r.pixelSizeSource, layers: r.layers.map((l) => ({ ...l })), ...(r.details.warnings.length ? { warnings: [...r.details.warnings] } : {}) };
}
