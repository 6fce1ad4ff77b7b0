/**
 * DepthProfile → IONTOF SurfaceLab ASCII export, in the `#`-header layout of SurfaceLab 7
 * (see ../shared/data/sims/uhasselt_psc_pos_electrode1.txt): tab-separated, CRLF, a trailing
 * tab on every line, four `#` lines (a comment, ion labels, m/z, column kinds) and then one row
 * per scan: `Data Point #`, `Sputter Time (s)`, `Dose (ions)`, `Fluence (ions/cm^2)`, then one
 * `Intensity` column per signal (`total` first when the profile has total counts).
 *
 * The column-kind line says `Intensity (Raw)` for counts with no dead-time correction and
 * `Intensity (Raw. Poisson Corrected)` for corrected ones (the spellings SurfaceLab uses), so
 * a reader knows whether the Poisson correction still has to be applied.
 */
import type { DepthProfile } from '../../model/depthProfile.js';

export interface SurfaceLabWriteOptions {
  /** Sputter crater area, cm², for the fluence column; default 300 µm × 300 µm. */
  craterAreaCm2?: number;
  /** First comment line, without the `# `. */
  comment?: string;
}

/**
 * Numbers as SurfaceLab prints them (C `%g`, 6 significant digits), except integers, which are
 * written in full so that raw counts re-parse exactly.
 */
export function formatSurfaceLabNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential(5).split('e');
    const en = Number(e);
    return `${trimZeros(m)}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  return trimZeros(v.toFixed(Math.max(0, 5 - exp)));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

const KIND_RAW = 'Intensity (Raw)';
const KIND_CORRECTED = 'Intensity (Raw. Poisson Corrected)';

export function writeSurfaceLabProfile(profile: DepthProfile, options: SurfaceLabWriteOptions = {}): Uint8Array {
  const n = profile.timeS.length;
  for (const ion of profile.ions) {
    if (ion.counts.length !== n) throw new RangeError(`ion ${ion.label}: ${ion.counts.length} points, profile has ${n}`);
  }
  const areaCm2 = options.craterAreaCm2 ?? 0.03 * 0.03;
  const dose = profile.primaryDoseIons;
  const signals: { label: string; mz: string; kind: string; values: ArrayLike<number> }[] = [];
  if (profile.totalCounts) signals.push({ label: 'total', mz: 'N/A', kind: KIND_RAW, values: profile.totalCounts });
  for (const ion of profile.ions) {
    signals.push({
      label: ion.label,
      mz: ion.mz === null ? 'N/A' : ion.mz.toFixed(4),
      kind: ion.poissonCorrected ? KIND_CORRECTED : KIND_RAW,
      values: ion.counts,
    });
  }
  const lead = ['', '', '', ''];
  const lines: string[] = [];
  lines.push(`# ${options.comment ?? 'Profile Smoothing is Disabled'}`);
  lines.push(`#${lead.join('\t')}\t${signals.map((s) => s.label).join('\t')}\t`);
  lines.push(`#${lead.join('\t')}\t${signals.map((s) => s.mz).join('\t')}\t`);
  lines.push(
    `#Data Point #\tSputter Time (s)\tDose (ions)\tFluence (ions/cm^2)\t${signals.map((s) => s.kind).join('\t')}\t`,
  );
  for (let i = 0; i < n; i++) {
    const d = dose ? dose[i] : 0;
    const cells = [
      String(i + 1),
      formatSurfaceLabNumber(profile.timeS[i]),
      formatSurfaceLabNumber(d),
      formatSurfaceLabNumber(d / areaCm2),
      ...signals.map((s) => formatSurfaceLabNumber(s.values[i])),
    ];
    lines.push(`${cells.join('\t')}\t`);
  }
  return new TextEncoder().encode(lines.join('\r\n') + '\r\n');
}
