import type { Command } from 'commander';
import { DATASET_KIND_NAMES } from '../model/dataset.js';
import { FormatError, UsageError } from '../model/errors.js';
import { phaseLabel } from '../xrd/phases.js';
import type { XrdAnalysis } from '../xrd/analyze.js';
import type { XrdPeakResult } from '../model/report.js';
import type { CliIo } from './context.js';
import { positiveNumber, stackPreset, stackPresetList } from './context.js';

const fmt = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/**
 * "12.3 ± 0.4", or "> 180" where the width is not resolved from the instrument's (a lower
 * bound); where even the width 2σ broader is not above the instrument's, no bound follows, and
 * it is said so rather than "— ± —".
 */
function sizeText(p: XrdPeakResult): string {
  if (p.crystalliteNm === null && p.crystalliteMinNm !== undefined) return `${`> ${p.crystalliteMinNm.toFixed(0)}`.padStart(8)}   (width not resolved)`;
  if (p.crystalliteNm === null && p.fwhmDeg !== null) return `${'—'.padStart(8)}   (width not resolved: not broader than the instrument's)`;
  return `${fmt(p.crystalliteNm, 1).padStart(8)} ± ${fmt(p.crystalliteSigmaNm, 1)}`;
}

/** The peaks table as text: one row per peak, with fit uncertainties. */
export function formatXrdTable(a: XrdAnalysis): string {
  const lines = [
    `${a.result.file}: λ(Kα1) = ${a.wavelength.alpha1A} Å${a.wavelengthAssumed ? ' (assumed Cu: the file gives none)' : ''}; masks: ${a.masks.map((m) => `${m.label} ${m.fromDeg}–${m.toDeg}°`).join(', ') || 'none'}`,
    ...(a.angleColumn ? [`  angle column: ${a.angleColumn} (--angle theta|2theta to say otherwise)`] : []),
    `  2θ (deg)            FWHM (deg)          ${(a.result.areaUnit ? `area (${a.result.areaUnit})` : 'area').padEnd(17)}phase          hkl      size (nm)`,
  ];
  for (const p of a.peaks) {
    lines.push(
      `  ${fmt(p.twoThetaDeg, 3).padStart(7)} ± ${fmt(p.twoThetaSigmaDeg, 3).padEnd(7)}  ${fmt(p.fwhmDeg, 3).padStart(6)} ± ${fmt(p.fwhmSigmaDeg, 3).padEnd(7)}  ${fmt(p.area, 1).padStart(8)} ± ${fmt(p.areaSigma, 1).padEnd(6)}  ${(phaseLabel(p) ?? '—').padEnd(13)}  ${(p.hkl ?? '—').padEnd(7)}  ${sizeText(p)}`,
    );
  }
  if (a.peaks.length === 0) lines.push('  (no significant peaks)');
  lines.push(`  amorphous fraction (hump area / total): ${fmt(a.result.amorphousFraction, 3)}`);
  for (const w of a.result.warnings ?? []) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

const ANGLE_COLUMNS: Record<string, 'theta' | 'twoTheta'> = { theta: 'theta', θ: 'theta', '2theta': 'twoTheta', '2θ': 'twoTheta', twotheta: 'twoTheta' };

export function registerXrd(program: Command, io: CliIo): void {
  program
    .command('xrd')
    .description('XRD peaks: Kα2 stripping, background, peak search, pseudo-Voigt fits, Scherrer size, phase markers')
    .argument('<file>', 'XRD pattern (.ras, .rasx, .asc, .xrdml, .brml, .raw, .xy/.xye/.csv)')
    .option('--json', 'machine-readable output (the report\'s xrd section plus uncertainties)')
    .option('--no-mask-si', 'do not mask the Si (400) substrate reflection (with its Kβ line and β-filter edge)')
    .option('--mask <from-to>', 'mask a 2θ range in degrees, e.g. 43.2-44.0 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--instrument-fwhm <deg>', 'instrumental FWHM for Scherrer, deg (default 0.05)')
    .option('--min-significance <z>', 'least matched-filter significance of a peak candidate, in σ (default 6; below it, weaker peaks are added and every peak found at 6 stays)')
    .option('--angle <column>', 'what a plain column file\'s angle column is: theta (doubled) or 2theta; default from its header or file name')
    .option('--stack <id>', `match peaks only against the reference phases of this layer stack's materials, as a study does (${stackPresetList()}); default: every reference phase`)
    .action(async (file: string, options: { json?: boolean; maskSi: boolean; mask?: string[]; instrumentFwhm?: string; minSignificance?: string; angle?: string; stack?: string }) => {
      const stack = options.stack === undefined ? undefined : stackPreset(options.stack);
      const masks = (options.mask ?? []).map((m) => {
        // Two decimal angles, the first below the second ('1.2.3-4' made a NaN mask; '44-43' none).
        const r = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*-\s*(\d+(?:\.\d*)?|\.\d+)\s*$/.exec(m);
        if (!r || !(Number(r[1]) < Number(r[2]))) throw new UsageError(`--mask wants FROM-TO in degrees, FROM below TO, got '${m}'`);
        return { fromDeg: Number(r[1]), toDeg: Number(r[2]), label: 'user mask' };
      });
      const instrumentFwhmDeg = options.instrumentFwhm !== undefined ? positiveNumber('--instrument-fwhm', options.instrumentFwhm) : undefined;
      const minSignificance = options.minSignificance !== undefined ? positiveNumber('--min-significance', options.minSignificance) : undefined;
      const angleAxis = options.angle === undefined ? undefined : ANGLE_COLUMNS[options.angle.toLowerCase()];
      if (options.angle !== undefined && !angleAxis) throw new UsageError(`--angle wants theta or 2theta, got '${options.angle}'`);
      // The readers and the fits load only when a file is read (see analyze.ts).
      const [{ openDataset }, { analyzeXrdPattern }] = await Promise.all([import('../node/openDataset.js'), import('../xrd/analyze.js')]);
      const opened = await openDataset(file, { displayName: file, xrd: angleAxis ? { angleAxis } : undefined });
      try {
        if (opened.dataset.kind !== 'xrdPattern') throw new FormatError(file, `not an XRD pattern: it is ${DATASET_KIND_NAMES[opened.dataset.kind]}`);
        if (angleAxis && opened.format !== 'xy-text') throw new UsageError(`--angle is for plain column files; ${file} is ${opened.format}, whose header says its axis`);
        const a = analyzeXrdPattern(opened.dataset, { maskSi: options.maskSi, masks, minSignificance, stack, scherrer: instrumentFwhmDeg !== undefined ? { instrumentFwhmDeg } : undefined });
        if (options.json) {
          const peaks = a.peaks.map((p, i) => ({ ...a.result.peaks[i], sigma: p.fit.sigma, eta: p.fit.eta }));
          // The angle column's reading (θ doubled to 2θ) beside the wavelength: the text says it, and a script reading the JSON alone must see it too.
          io.stdout(JSON.stringify({ ...a.result, peaks, wavelength: a.wavelength, wavelengthAssumed: a.wavelengthAssumed, angleColumn: a.angleColumn ?? null, parameters: a.parameters }, null, 2) + '\n');
        } else io.stdout(formatXrdTable(a));
      } finally {
        await opened.close();
      }
    });
}
