import { ionKey } from '../../model/ions.js';
import type { IonChannel } from '../../model/ions.js';

/**
 * Marker ions of the thin-film battery (DOMAIN.md §2), negative polarity with Cs sputtering,
 * nominal m/z. Readers use them to give m/z to stacks whose files name ions but not masses,
 * and as the default peak windows of imzML.
 */
export const BATTERY_MARKER_IONS: readonly IonChannel[] = [
  { label: '6Li-', mz: 6.015 },
  { label: 'Li-', mz: 7.016 },
  { label: 'C-', mz: 12.0 },
  { label: 'O-', mz: 15.995 },
  { label: 'OH-', mz: 17.003 },
  { label: 'LiO-', mz: 23.011 },
  { label: 'C2-', mz: 24.0 },
  { label: 'Si-', mz: 27.977 },
  { label: 'Cr-', mz: 51.941 },
  { label: 'Fe-', mz: 55.935 },
  { label: 'Ni-', mz: 57.935 },
  { label: 'SiO2-', mz: 59.967 },
  { label: 'PO2-', mz: 62.964 },
  { label: 'CrO-', mz: 67.936 },
  { label: 'FeO-', mz: 71.93 },
  { label: 'NiO-', mz: 73.93 },
  { label: 'PO3-', mz: 78.959 },
];

/** The table by `ionKey`, built on first use (every stack open looks up each of its channels). */
let mzByKey: Map<string, number | null> | null = null;

/** Nominal m/z of a label the table knows (any spelling `ionKey` folds together), else null. */
export function nominalMz(label: string): number | null {
  mzByKey ??= new Map(BATTERY_MARKER_IONS.map((ion) => [ionKey(ion.label), ion.mz]));
  return mzByKey.get(ionKey(label)) ?? null;
}

/**
 * m/z written into a channel name, e.g. `Li- (7.016)`, `Li- m/z 7.016`, `Li-@7.016`;
 * returns the bare label and the mass, or the name unchanged and null.
 */
export function splitLabelMz(name: string): { label: string; mz: number | null } {
  const m = /^(.*?)\s*(?:\(\s*(?:m\/z\s*)?([0-9]+(?:\.[0-9]+)?)\s*\)|@\s*([0-9]+(?:\.[0-9]+)?)|\s+m\/z\s*([0-9]+(?:\.[0-9]+)?))\s*$/.exec(name);
  if (m && m[1].trim() !== '') {
    const mz = Number(m[2] ?? m[3] ?? m[4]);
    if (Number.isFinite(mz) && mz > 0) return { label: m[1].trim(), mz };
  }
  return { label: name, mz: nominalMz(name) };
}
