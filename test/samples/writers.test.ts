import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../core/io/detect.js';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { formatSurfaceLabNumber, writeSurfaceLabProfile } from '../../core/io/sims/writeSurfaceLab.js';
import { readXrd } from '../../core/io/xrd/index.js';
import { writeRas } from '../../core/io/xrd/writeRas.js';
import type { DepthProfile } from '../../core/model/depthProfile.js';
import { CU_K_ALPHA, type XrdPattern } from '../../core/model/xrdPattern.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function profile(): DepthProfile {
  const timeS = Float64Array.from([0, 24, 48, 72.5]);
  return {
    kind: 'depthProfile',
    source: { fileName: 'p.txt', format: 'iontof-ascii' },
    polarity: 'negative',
    timeS,
    ions: [
      { label: 'Li-', mz: 7.016, counts: Float64Array.from([10, 49123, 0, 7]), poissonCorrected: false },
      { label: 'PO_2-', mz: 62.964, counts: Float64Array.from([1.5, 2.25, 3, 1234567]), poissonCorrected: true },
    ],
    totalCounts: Float64Array.from([100, 200, 300, 400]),
    primaryDoseIons: Float64Array.from([2.6e6, 4.8e11, 9.6e11, 1.45e12]),
    metadata: {},
  };
}

/** The smallest parse that checks the layout independently of the project reader. */
function parseSurfaceLab(t: string) {
  const lines = t.split('\r\n');
  const labels = lines[1].split('\t').slice(4, -1);
  const mz = lines[2].split('\t').slice(4, -1);
  const kinds = lines[3].split('\t').slice(4, -1);
  const rows = lines.slice(4).filter(Boolean).map((l) => l.split('\t').slice(0, -1).map(Number));
  return { labels, mz, kinds, rows };
}

describe('writeSurfaceLabProfile', () => {
  it('writes the SurfaceLab 7 layout: 4 # lines, CRLF, tabs with a trailing tab, raw vs corrected kinds', () => {
    const t = text(writeSurfaceLabProfile(profile()));
    expect(t.includes('\n') && !/[^\r]\n/.test(t)).toBe(true);
    const p = parseSurfaceLab(t);
    expect(t.startsWith('# Profile Smoothing is Disabled\r\n#\t\t\t\ttotal\tLi-\tPO_2-\t\r\n')).toBe(true);
    expect(p.labels).toEqual(['total', 'Li-', 'PO_2-']);
    expect(p.mz).toEqual(['N/A', '7.0160', '62.9640']);
    expect(p.kinds).toEqual(['Intensity (Raw)', 'Intensity (Raw)', 'Intensity (Raw. Poisson Corrected)']);
    expect(t.split('\r\n')[3].startsWith('#Data Point #\tSputter Time (s)\tDose (ions)\tFluence (ions/cm^2)\t')).toBe(true);
    expect(p.rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(p.rows.map((r) => r[1])).toEqual([0, 24, 48, 72.5]);
    expect(p.rows.map((r) => r[5])).toEqual([10, 49123, 0, 7]);
    expect(p.rows.map((r) => r[6])).toEqual([1.5, 2.25, 3, 1234567]);
    expect(detectFormat('profile.txt', new TextEncoder().encode(t))).toBe('iontof-ascii');
  });

  it('re-reads through the project reader to the written numbers', () => {
    const src = profile();
    const back = readSurfaceLabProfile(writeSurfaceLabProfile(src), 'p.txt');
    expect(Array.from(back.timeS)).toEqual(Array.from(src.timeS));
    expect(back.ions.map((i) => i.label)).toEqual(['Li-', 'PO_2-']);
    expect(Array.from(back.ions[0].counts)).toEqual(Array.from(src.ions[0].counts));
    expect(back.ions[0].poissonCorrected).toBe(false);
    expect(back.ions[1].poissonCorrected).toBe(true);
    expect(Array.from(back.totalCounts ?? [])).toEqual([100, 200, 300, 400]);
  });

  it('prints numbers like %g but integers in full', () => {
    expect(formatSurfaceLabNumber(2617700)).toBe('2617700');
    expect(formatSurfaceLabNumber(1.04707e11 + 0.5)).toBe('1.04707e+11');
    expect(formatSurfaceLabNumber(56.21843)).toBe('56.2184');
    expect(formatSurfaceLabNumber(0.000012345)).toBe('1.2345e-05');
    expect(formatSurfaceLabNumber(Infinity)).toBe('inf');
  });

  it('refuses a profile whose ions do not match its time axis', () => {
    const p = profile();
    p.ions[0].counts = new Float64Array(3);
    expect(() => writeSurfaceLabProfile(p)).toThrow(/points/);
  });
});

function pattern(): XrdPattern {
  const x = Float64Array.from({ length: 6 }, (_, i) => 10 + i * 0.02);
  return {
    kind: 'xrdPattern',
    source: { fileName: 'x.ras', format: 'rigaku-ras' },
    twoThetaDeg: x,
    intensity: Float64Array.from([100, 250, 120000, 360000, 240, 99]),
    intensityUnit: 'counts',
    wavelength: CU_K_ALPHA,
    metadata: {},
  };
}

describe('writeRas', () => {
  it('writes the RAS blocks with CRLF, wavelengths and angle / counts / attenuation rows', () => {
    const att = [1, 1, 120, 120, 1, 1];
    const t = text(writeRas(pattern(), { attenuation: att, header: { FILE_SAMPLE: 'cell A' } }));
    const lines = t.split('\r\n');
    expect(lines[0]).toBe('*RAS_DATA_START');
    expect(lines[1]).toBe('*RAS_HEADER_START');
    expect(lines).toContain('*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"');
    expect(lines).toContain('*HW_XG_WAVE_LENGTH_ALPHA2 "1.544414"');
    expect(lines).toContain('*FILE_SAMPLE "cell A"');
    expect(lines).toContain('*MEAS_SCAN_STEP "0.0200000000"');
    const start = lines.indexOf('*RAS_INT_START');
    const end = lines.indexOf('*RAS_INT_END');
    expect(lines.indexOf('*RAS_HEADER_END')).toBe(start - 1);
    const rows = lines.slice(start + 1, end).map((l) => l.split(' ').map(Number));
    expect(rows.length).toBe(6);
    expect(rows.map((r) => r[1] * r[2])).toEqual([100, 250, 120000, 360000, 240, 99]);
    expect(rows[2]).toEqual([10.04, 1000, 120]);
    expect(lines.slice(-2)).toEqual(['*RAS_DATA_END', '']);
    expect(detectFormat('x.ras', new TextEncoder().encode(t))).toBe('rigaku-ras');
  });

  it('re-reads through the project reader (intensity = counts × attenuation)', () => {
    const src = pattern();
    const back = readXrd(writeRas(src, { attenuation: [1, 1, 120, 120, 1, 1] }), 'x.ras', 'rigaku-ras');
    expect(Array.from(back.twoThetaDeg)).toEqual(Array.from(src.twoThetaDeg));
    expect(Array.from(back.intensity)).toEqual(Array.from(src.intensity));
    expect(back.wavelength?.alpha1A).toBeCloseTo(1.540593, 6);
    expect(back.wavelength?.alpha2A).toBeCloseTo(1.544414, 6);
  });

  it('refuses non-ASCII header text and attenuation below 1', () => {
    expect(() => writeRas(pattern(), { header: { FILE_MEMO: 'µ-battery' } })).toThrow(/ASCII/);
    expect(() => writeRas(pattern(), { attenuation: [1, 1, 0.5, 1, 1, 1] })).toThrow(/attenuation/);
  });
});
