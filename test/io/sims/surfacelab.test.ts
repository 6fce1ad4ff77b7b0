import { describe, expect, it } from 'vitest';
import { readSurfaceLabProfile } from '../../../core/io/sims/surfacelab.js';
import { writeSurfaceLabProfile } from '../../../core/io/sims/writeSurfaceLab.js';
import type { DepthProfile } from '../../../core/model/depthProfile.js';
import { FormatError } from '../../../core/model/errors.js';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const last = (a: Float64Array): number => a[a.length - 1];

/** A small SurfaceLab-7-style export: `#` header, given line ending and decimal separator. */
function export7(eol: string, comma = false): string {
  const n = (s: string): string => (comma ? s.replace('.', ',') : s);
  return [
    '# Profile Smoothing is Disabled',
    ['#', '', 'total', '^6Li-', 'Li-', 'PO_2-', 'Li- / ( total )'].join('\t'),
    ['#', '', 'N/A', n('6.0151'), n('7.0160'), n('62.9636'), 'N/A'].join('\t'),
    ['#Data Point #', 'Sputter Time (s)', 'Intensity', 'Intensity', 'Intensity', 'Intensity', 'Intensity'].join('\t'),
    ['1', '0', '100', '2', '30', '5', n('0.3')].join('\t') + '\t',
    ['2', n('1.5'), '110', '3', '33', '7', n('0.3')].join('\t') + '\t',
    ['3', n('3.0'), '90', '1', '28', '9', 'inf'].join('\t') + '\t',
    ['4', n('4.5'), '0', '0', '0', '0', 'inf'].join('\t') + '\t',
    '',
  ].join(eol);
}

describe('readSurfaceLabProfile on hand-made exports', () => {
  it('reads a # header, CRLF, trailing tabs; drops the trailing zero row and the ratio column', () => {
    const p = readSurfaceLabProfile(enc(export7('\r\n')), 'a.txt');
    expect(Array.from(p.timeS)).toEqual([0, 1.5, 3]);
    expect(p.ions.map((i) => i.label)).toEqual(['^6Li-', 'Li-', 'PO_2-']);
    expect(p.ions.map((i) => i.mz)).toEqual([6.0151, 7.016, 62.9636]);
    expect(Array.from(p.ions[1].counts)).toEqual([30, 33, 28]);
    expect(Array.from(p.totalCounts!)).toEqual([100, 110, 90]);
    expect(p.polarity).toBe('negative');
    // Integer counts under a bare `Intensity` kind: raw.
    expect(p.ions.every((i) => !i.poissonCorrected)).toBe(true);
    expect(p.metadata.ratioColumnsDropped).toBe('Li- / ( total )');
    expect(p.metadata.droppedTrailingZeroRow).toBe('line 8');
  });

  it('reads the same numbers with LF and decimal commas', () => {
    const a = readSurfaceLabProfile(enc(export7('\r\n')), 'a.txt');
    const b = readSurfaceLabProfile(enc(export7('\n', true)), 'b.txt');
    expect(b.metadata.decimalSeparator).toBe(',');
    expect(Array.from(b.timeS)).toEqual(Array.from(a.timeS));
    expect(b.ions.map((i) => i.mz)).toEqual(a.ions.map((i) => i.mz));
    expect(Array.from(b.ions[2].counts)).toEqual(Array.from(a.ions[2].counts));
  });

  it('reads the older layout (no #, kinds with Raw / Poisson Corrected, Dose column)', () => {
    const text = [
      '\t\ttotal\tCr-\tFe-',
      '\t\t\t51.9405\t55.9349',
      'Sputter Time (s)\tDose (ions)\tIntensity (Raw)\tIntensity (Raw)\tIntensity (Raw. Poisson Corrected)\t',
      '0.5\t1e9\t10\t4\t6.002\t',
      '1.5\t2e9\t12\t5\t7.003\t',
    ].join('\n');
    const p = readSurfaceLabProfile(enc(text), 'old.txt');
    expect(p.ions.map((i) => [i.label, i.mz, i.poissonCorrected])).toEqual([
      ['Cr-', 51.9405, false],
      ['Fe-', 55.9349, true],
    ]);
    expect(Array.from(p.primaryDoseIons!)).toEqual([1e9, 2e9]);
    expect(p.polarity).toBe('negative');
  });

  it('marks fractional counts under a bare Intensity kind as Poisson corrected (inferred)', () => {
    const p = readSurfaceLabProfile(enc(export7('\n').replace('\t30\t', '\t30.0012\t')), 'c.txt');
    expect(p.ions.every((i) => i.poissonCorrected)).toBe(true);
    expect(p.metadata.poissonCorrection).toMatch(/inferred/);
  });

  it('reads back what the sample writer (writeSurfaceLab.ts) writes: labels, m/z, raw counts, total, dose', () => {
    const n = 50;
    const profile: DepthProfile = {
      kind: 'depthProfile',
      source: { fileName: 'pristine/profile.txt', format: 'iontof-ascii' },
      polarity: 'negative',
      timeS: Float64Array.from({ length: n }, (_, i) => 1.7 * i + 0.35),
      ions: [
        { label: 'Li-', mz: 7.016, counts: Float64Array.from({ length: n }, (_, i) => (i * 7919) % 100003), poissonCorrected: false },
        { label: 'PO2-', mz: 62.964, counts: Float64Array.from({ length: n }, (_, i) => i * 3), poissonCorrected: false },
        { label: 'Fe-', mz: 55.935, counts: Float64Array.from({ length: n }, (_, i) => 10 + i), poissonCorrected: true },
      ],
      totalCounts: Float64Array.from({ length: n }, (_, i) => 1e6 + i),
      primaryDoseIons: Float64Array.from({ length: n }, (_, i) => 2.5e9 * (i + 1)),
      metadata: {},
    };
    const p = readSurfaceLabProfile(writeSurfaceLabProfile(profile), 'pristine/profile.txt');
    expect(p.timeS.length).toBe(n);
    p.timeS.forEach((t, i) => expect(t).toBeCloseTo(profile.timeS[i], 4));
    expect(p.ions.map((i) => [i.label, i.mz, i.poissonCorrected])).toEqual(profile.ions.map((i) => [i.label, i.mz, i.poissonCorrected]));
    p.ions.forEach((ion, k) => expect(Array.from(ion.counts)).toEqual(Array.from(profile.ions[k].counts)));
    expect(Array.from(p.totalCounts!)).toEqual(Array.from(profile.totalCounts!));
    expect(Array.from(p.primaryDoseIons!)).toEqual(Array.from(profile.primaryDoseIons!));
    expect(p.polarity).toBe('negative');
  });

  const bad: Array<[string, string, RegExp, number | undefined]> = [
    ['empty file', '', /empty/, undefined],
    ['no header', '1\t2\t3\n4\t5\t6\n', /no SurfaceLab column header/, 1],
    ['a ragged row', export7('\n').replace('2\t1.5\t110\t3\t33\t7\t0.3\t', '2\t1.5\t110\t3\t33'), /row has 5 cells/, 6],
    ['a non-numeric cell', export7('\n').replace('\t33\t', '\tabc\t'), /"abc" is not a number/, 6],
    ['an inf count', export7('\n').replace('\t33\t', '\tinf\t'), /finite/, 6],
    ['time going back', export7('\n').replace('\t3.0\t', '\t1.0\t'), /does not increase/, 7],
    ['mixed separators', export7('\n').replace('\t3.0\t', '\t3,0\t'), /decimal points and decimal commas/, 5],
  ];
  it.each(bad)('refuses %s with a FormatError naming file and line', (_what, text, message, line) => {
    let err: unknown;
    try {
      readSurfaceLabProfile(enc(text), 'bad.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    const fe = err as FormatError;
    expect(fe.fileName).toBe('bad.txt');
    expect(fe.message).toMatch(message);
    expect(fe.where.line).toBe(line);
  });
});

// "Rows" below are scans after dropping SurfaceLab's trailing all-zero row: the data README's
// 342 and 42 count it, so the profiles hold 341 and 41 scans. "Signals" in the README count
// every Intensity column: electrode1/roi have 106 = total + 100 ions + 5 ratio columns.
describeShared('readSurfaceLabProfile on the real exports', () => {
  it('uhasselt_psc_pos_electrode1.txt: 342 rows − trailing zero row, 106 signals', () => {
    const p = readSurfaceLabProfile(readSharedData('sims', 'uhasselt_psc_pos_electrode1.txt'), 'electrode1.txt');
    expect(p.timeS.length).toBe(341);
    expect(p.ions.length + 1 + p.metadata.ratioColumnsDropped.split(' | ').length).toBe(106);
    expect(p.ions.length).toBe(100);
    expect(p.timeS[0]).toBe(0);
    expect(p.timeS[1]).toBe(5.8668);
    expect(last(p.timeS)).toBe(1994.71);
    expect(p.polarity).toBe('positive');
    expect(p.ions[0]).toMatchObject({ label: 'Ag_3+', mz: 320.7077, poissonCorrected: true });
    expect(p.ions[0].counts[0]).toBe(56.2184);
    expect(p.totalCounts![0]).toBe(2.67769e6);
    expect(last(p.totalCounts!)).toBe(463058);
    expect(p.primaryDoseIons![0]).toBe(2.6177e6);
    expect(p.ions.find((i) => i.label === 'CH_5N_2+')?.mz).toBe(45.0479);
    expect(p.ions.some((i) => i.label.includes('/'))).toBe(false);
    expect(p.metadata.comment1).toBe('Profile Smoothing is Disabled');
  });

  it('uhasselt_psc_pos_roi.txt: 42 rows − trailing zero row', () => {
    const p = readSurfaceLabProfile(readSharedData('sims', 'uhasselt_psc_pos_roi.txt'), 'roi.txt');
    expect(p.timeS.length).toBe(41);
    expect(p.ions.length).toBe(100);
    expect(last(p.timeS)).toBe(58.664);
    expect(p.ions[1].counts[0]).toBe(16.0483);
    expect(p.totalCounts![0]).toBe(315330);
  });

  it('grapa_cigs_sample_d.txt: 766 rows × 23 signals (total + 22 ions), LF, no #', () => {
    const p = readSurfaceLabProfile(readSharedData('sims', 'grapa_cigs_sample_d.txt'), 'cigs.txt');
    expect(p.timeS.length).toBe(766);
    expect(p.ions.length + 1).toBe(23);
    expect(p.timeS[0]).toBe(0);
    expect(last(p.timeS)).toBe(1529.9732);
    expect(p.ions.map((i) => i.label).slice(0, 3)).toEqual(['F+', 'Na+', 'Mg+']);
    expect(p.ions[0]).toMatchObject({ mz: 19.002, poissonCorrected: true });
    expect(p.ions[21]).toMatchObject({ label: 'In+', mz: 114.9264 });
    expect(last(p.ions[21].counts)).toBe(83.5227);
    expect(p.totalCounts![0]).toBe(89762);
    expect(p.polarity).toBe('positive');
    expect(p.metadata.droppedTrailingZeroRow).toBeUndefined();
  });
});
