/** Small, hand-made figure inputs: three states whose Li differs in a known way. */
import type { LiFigureInput, LiFigureLayer, LiFigureState } from '../../core/figures/liFigure.js';
import type { Volume } from '../../core/figures/volumeRender.js';

export const STATES = ['pristine', 'charged', 'discharged'] as const;
export const LABELS = ['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'SiO2/Si'];
const ROLES = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];
const BOUNDS_S = [0, 1200, 2000, 4000, 5200, 6000];
const BOUNDS_NM = [0, 150, 350, 950, 1100, 1200];

export function layers(): LiFigureLayer[] {
  return ROLES.map((role, i) => ({ role, label: LABELS[i], startS: BOUNDS_S[i], endS: BOUNDS_S[i + 1], startNm: BOUNDS_NM[i], endNm: BOUNDS_NM[i + 1] }));
}

/** Li level of a state in the top layer: charged plates Li on the steel, discharged strips it. */
export const TOP_LI = { pristine: 100, charged: 400, discharged: 150 } as const;

/** Maps: pristine uniform 100; charged 100 with the left half at 200; discharged uniform 150. */
export function map(state: (typeof STATES)[number], w = 8, h = 8): { values: Float64Array; width: number; height: number } {
  const values = new Float64Array(w * h).fill(state === 'discharged' ? 150 : 100);
  if (state === 'charged') for (let y = 0; y < h; y++) for (let x = 0; x < w / 2; x++) values[y * w + x] = 200;
  return { values, width: w, height: h };
}

export function volume(state: (typeof STATES)[number]): Volume {
  const nx = 6;
  const ny = 6;
  const nz = 12;
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let i = 0; i < nx * ny; i++) data[z * nx * ny + i] = z < 3 ? TOP_LI[state] : 50;
  return { data, nx, ny, nz, voxelNm: { x: 10_000, y: 10_000, z: 100 } };
}

export function profile(state: (typeof STATES)[number]): NonNullable<LiFigureState['profile']> {
  const n = 121;
  const timeS = Float64Array.from({ length: n }, (_, i) => i * 50);
  const values = timeS.map((t) => (t < 1200 ? TOP_LI[state] : t < 2000 ? 300 : t < 4000 ? 500 - TOP_LI[state] / 2 : 5));
  const sigma = values.map(Math.sqrt);
  const depthNm = timeS.map((t) => {
    for (let k = 0; k < 5; k++) if (t < BOUNDS_S[k + 1]) return BOUNDS_NM[k] + ((t - BOUNDS_S[k]) / (BOUNDS_S[k + 1] - BOUNDS_S[k])) * (BOUNDS_NM[k + 1] - BOUNDS_NM[k]);
    return 1200 + (t - 6000) * 0.1;
  });
  return { timeS, values, sigma, depthNm };
}

/** A cross-section: dark above, then bands of grey per layer, 2 nm per row, surface at row 20. */
export function semPixels(): { pixels: Uint8Array; width: number; height: number } {
  const width = 64;
  const height = 700;
  const pixels = new Uint8Array(width * height);
  const greys = [220, 60, 140, 220, 60, 120];
  for (let y = 0; y < height; y++) {
    const depthNm = (y - 20) * 2;
    let g = 10;
    if (depthNm >= 0) {
      g = greys[5];
      for (let k = 0; k < 5; k++) if (depthNm < BOUNDS_NM[k + 1]) {
        g = greys[k];
        break;
      }
    }
    pixels.fill(g, y * width, (y + 1) * width);
  }
  return { pixels, width, height };
}

export function liInput(widthMm = 180, opts: { volumes?: boolean; sem?: boolean } = {}): LiFigureInput {
  return {
    states: STATES.map((state) => ({ state, map: map(state), volume: opts.volumes === false ? undefined : volume(state), profile: profile(state), layers: layers() })),
    widthMm,
    ion: 'Li-',
    mapPixelSizeNm: 12_500,
    mapRange: 'all layers',
    sem: opts.sem === false ? undefined : { ...semPixels(), surfaceRowPx: 20, nmPerRowPx: 2 },
    renderPxPerPt: 1,
  };
}

/** Marker ions of the fixture's layers (top-down) for the depth-profile figure, and their plateau in each layer. */
const PROFILE_IONS: { label: string; kind: 'analyte' | 'marker'; marks: string[]; levels: number[] }[] = [
  { label: 'Li-', kind: 'analyte', marks: [], levels: [3000, 40000, 30000, 2000, 100] },
  { label: 'Cr-', kind: 'marker', marks: ['CC/AAM', 'CC'], levels: [10000, 50, 60, 10000, 20] },
  { label: 'PO_2-', kind: 'marker', marks: ['SEI/SE'], levels: [100, 20000, 15000, 100, 10] },
  { label: 'FeO-', kind: 'marker', marks: ['CAM'], levels: [4000, 40, 8000, 4000, 5] },
  { label: 'Si-', kind: 'marker', marks: ['SiO2/Si'], levels: [100, 60, 60, 100, 7000] },
];

/** The depth-profile figure's input: three states on the fixture's depth axis, each ion a plateau per layer (2 … 40 000 counts). */
export function profilesInput(widthMm = 180): import('../../core/figures/depthProfiles.js').ProfilesFigureInput {
  return {
    panels: STATES.map((state) => {
      const p = profile(state);
      const layerOf = (t: number): number => {
        const k = BOUNDS_S.findIndex((b) => t < b);
        return k <= 0 ? 4 : k - 1;
      };
      return {
        state,
        x: p.depthNm!,
        values: PROFILE_IONS.map((ion) => Float64Array.from(p.timeS, (t, k) => Math.max(2, ion.levels[layerOf(t)] * (1 + 0.05 * Math.sin(k))))),
        layers: layers().map((l) => ({ role: l.role, label: l.label, start: l.startNm, end: l.endNm })),
      };
    }),
    ions: PROFILE_IONS.map(({ label, kind, marks }) => ({ label, kind, marks })),
    axis: 'depth',
    widthMm,
  };
}
