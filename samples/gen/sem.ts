/**
 * A cross-section SEM image of the cell (secondary electrons, 5 kV) with a JEOL-style sidecar.
 *
 * Grey levels follow material contrast (steel bright, phosphates dark, LiFePO4 between); steel
 * shows columns perpendicular to the layers, the brittle ceramics a fine granular texture; the
 * fracture edge at the top surface glows (edge effect). Interfaces wave by a few nm. The sample
 * may be rotated in the image plane (layers not horizontal) and the stage tilted, which
 * foreshortens the direction across the layers by cos(tilt). The bottom rows hold a data bar
 * with a burned-in scale bar, as JEOL images do; the sidecar gives `$CM_MAG`, `$CM_FULL_SIZE`
 * and `$$SM_MICRON_BAR` / `$$SM_MICRON_MARKER` consistent with the true pixel size.
 */
import { drawText } from './font.js';
import { smoothField } from './fields.js';
import type { Geometry, Material } from './physics.js';
import { rngFor } from './random.js';

export interface SemParams {
  seed: number;
  state: string;
  geometry: Geometry;
  width: number;
  height: number;
  pixelSizeNm: number;
  dataBarRows: number;
  rotationDeg: number;
  tiltDeg: number;
  contrast: number;
  noiseScale: number;
  date: string;
}

export interface SemResult {
  pixels: Uint8Array;
  sidecar: string;
  /** Scale-bar length, px, and what it stands for, nm. */
  barPx: number;
  barNm: number;
  magnification: number;
}

const GREY: Record<Material | 'vacuum', number> = {
  vacuum: 16,
  steel: 182,
  li3po4: 70,
  lifepo4: 120,
  sio2: 56,
  si: 98,
};
const MID_GREY = 110;
/** Field-of-view constant of JEOL instruments: pixel = 0.128 m / (Mag × width). */
const JEOL_FOV_M = 0.128;

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

export function renderSem(p: SemParams): SemResult {
  const { width: W, height: H, pixelSizeNm: px, geometry: geo } = p;
  const rng = rngFor(p.seed, `sem-${p.state}`);
  const imageRows = H - p.dataBarRows;
  const theta = (p.rotationDeg * Math.PI) / 180;
  const cosTilt = Math.cos((p.tiltDeg * Math.PI) / 180);
  const cosT = Math.cos(theta);
  const sinT = Math.sin(theta);
  const stackNm = geo.depthNm[geo.depthNm.length - 1];
  // Put the stack's middle at the middle of the image area (in the view, so tilt-compressed).
  const centreDepthNm = stackNm / 2 + 60;
  const cx = W / 2;
  const cy = imageRows / 2;

  // Textures in sample coordinates (nm): they move and rotate with the sample.
  const waviness = smoothField(rngFor(p.seed, `sem-waviness-${p.state}`), 8, 6);
  const grains = smoothField(rngFor(p.seed, `sem-grains-${p.state}`), 12, 40);
  const columns = steelColumns(rng, W * px * 2);
  const edgeWidthNm = 0.7 * px;
  const interfaces = geo.depthNm; // tops of the layers and the bottom of the last one
  const materials: Material[] = [...geo.layers.map((l) => l.material), 'si'];
  const level = (g: number): number => MID_GREY + p.contrast * (g - MID_GREY);

  const img = new Uint8Array(W * H);
  for (let v = 0; v < imageRows; v++) {
    for (let u = 0; u < W; u++) {
      // Image → sample: undo the in-plane rotation, then the tilt foreshortening.
      const du = u + 0.5 - cx;
      const dv = v + 0.5 - cy;
      const xs = (cosT * du + sinT * dv) * px;
      const ys = ((-sinT * du + cosT * dv) * px) / cosTilt;
      const d = ys + centreDepthNm;
      // Occupancy of each material: smooth steps at the (wavy) interfaces.
      let g = 0;
      let prev = logistic((d - wavy(waviness, xs, 0)) / edgeWidthNm); // inside the sample
      g += GREY.vacuum * (1 - prev);
      for (let i = 0; i < materials.length; i++) {
        const next = i + 1 < interfaces.length ? logistic((d - interfaces[i + 1] - wavy(waviness, xs, i + 1)) / edgeWidthNm) : 0;
        const share = prev - next;
        if (share > 1e-4) {
          let t = GREY[materials[i]];
          if (materials[i] === 'steel') t += columns(xs + i * 977);
          else t += (materials[i] === 'si' ? 2 : 5) * grains.at(xs / 800, d / 800);
          g += share * t;
        }
        prev = next;
      }
      // Edge effect: the fracture edge at the surface emits more secondaries.
      if (d > -edgeWidthNm) g += 55 * Math.exp(-Math.max(0, d) / 10) * logistic(d / edgeWidthNm);
      const noisy = level(g) + (p.noiseScale > 0 ? rng.normal(0, 7 * p.noiseScale) : 0);
      img[v * W + u] = Math.max(0, Math.min(255, Math.round(noisy)));
    }
  }

  const barNm = pickBarNm(W * px);
  const barPx = Math.round(barNm / px);
  const magnification = JEOL_FOV_M / (px * 1e-9 * W);
  drawDataBar(img, W, H, p.dataBarRows, magnification, barNm, barPx);
  return { pixels: img, sidecar: jeolSidecar(p, magnification, barNm, barPx), barPx, barNm, magnification };
}

function wavy(f: ReturnType<typeof smoothField>, xNm: number, i: number): number {
  return 2.0 * f.at(xNm / 4000, 0.173 * i);
}

/** Column texture of sputtered steel: columns 25–60 nm wide, each a little brighter or darker, dark boundaries. */
function steelColumns(rng: ReturnType<typeof rngFor>, spanNm: number): (xNm: number) => number {
  const edges: number[] = [-spanNm];
  const offsets: number[] = [];
  while (edges[edges.length - 1] < spanNm * 2) {
    edges.push(edges[edges.length - 1] + 25 + 35 * rng.uniform());
    offsets.push(rng.normal(0, 9));
  }
  return (xNm) => {
    let lo = 0;
    let hi = edges.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= xNm) lo = mid;
      else hi = mid;
    }
    const toEdge = Math.min(xNm - edges[lo], edges[hi] - xNm);
    return (offsets[lo] ?? 0) - 14 * Math.exp(-(toEdge * toEdge) / 18);
  };
}

/** A round scale-bar length: about a fifth of the field width. */
function pickBarNm(fieldNm: number): number {
  const target = fieldNm / 5;
  const choices = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  return choices.reduce((best, c) => (Math.abs(c - target) < Math.abs(best - target) ? c : best));
}

function barLabel(nm: number): string {
  return nm >= 1000 ? `${nm / 1000}um` : `${nm}nm`;
}

function drawDataBar(img: Uint8Array, W: number, H: number, rows: number, mag: number, barNm: number, barPx: number): void {
  img.fill(0, (H - rows) * W, H * W);
  const textY = H - rows + Math.floor((rows - 14) / 2) + 2;
  const magText = Math.round(mag).toLocaleString('en-US');
  drawText(img, W, `SEI 5.0kV X${magText}`, 8, textY, 255, 2);
  const barX = W - barPx - 130;
  const barY = H - rows + 6;
  for (let y = barY; y < barY + 4; y++) img.fill(255, y * W + barX, y * W + barX + barPx);
  drawText(img, W, barLabel(barNm), barX + barPx + 10, textY, 255, 2);
}

function jeolSidecar(p: SemParams, mag: number, barNm: number, barPx: number): string {
  const lines = [
    '$CM_FORMAT JEOL-SEM',
    '$CM_VERSION 3.0',
    '$SEM_DATA_VERSION 1',
    '$CM_INSTRUMENT JSM-IT500HR',
    '$CM_SIGNAL SEI',
    '$CM_DETECTOR SED',
    '$CM_ACCEL_VOLT 5.00',
    '$$SM_WD 6.00',
    `$CM_MAG ${Math.round(mag)}`,
    `$CM_FULL_SIZE ${p.width} ${p.height}`,
    '$CM_OFFSET 0 0',
    `$CM_STAGE_POS 12.500 8.250 6.0 ${p.tiltDeg.toFixed(1)} 0.0 0.000`,
    '$$SM_SCAN_ROTATION 0.00',
    `$CM_DATE ${p.date}`,
    '$CM_TIME 10:30:00',
    '$CM_OPERATOR Strata generator',
    `$CM_TITLE cross-section ${p.state}`,
    `$$SM_MICRON_BAR ${barPx}`,
    `$$SM_MICRON_MARKER ${barLabel(barNm)}`,
    '$CM_LABEL JEOL',
  ];
  return lines.join('\r\n') + '\r\n';
}
