import { expect, it } from 'vitest';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { detectFormat } from '../../../core/io/detect.js';
import { readXrd } from '../../../core/io/xrd/index.js';
import { readAsc } from '../../../core/io/xrd/asc.js';
import { readRas } from '../../../core/io/xrd/ras.js';
import { readRasx } from '../../../core/io/xrd/rasx.js';
import { readXyText } from '../../../core/io/xrd/xyText.js';
import { hasXyconv, XYCONV_SKIP, xyconvPoints } from './xyconv.js';

const stepOf = (x: Float64Array): number => (x[x.length - 1] - x[0]) / (x.length - 1);

describeShared('real Rigaku files (../shared/data/xrd)', () => {
  it('SmartLab .ras: range, step, points, wavelength, Shift-JIS header decoded', () => {
    const bytes = readSharedData('xrd', 'gredig_MB120718Si3.ras');
    expect(detectFormat('gredig_MB120718Si3.ras', bytes.subarray(0, 8192))).toBe('rigaku-ras');
    const p = readRas(bytes, 'gredig_MB120718Si3.ras');
    expect(p.twoThetaDeg.length).toBe(1401);
    expect(p.twoThetaDeg[0]).toBeCloseTo(2, 10);
    expect(p.twoThetaDeg[1400]).toBeCloseTo(30, 10);
    expect(stepOf(p.twoThetaDeg)).toBeCloseTo(0.02, 10);
    expect(p.wavelength).toEqual({ alpha1A: 1.540593, alpha2A: 1.544414 });
    expect(p.intensityUnit).toBe('counts');
    // Japanese instrument names, decoded from Shift-JIS (not mojibake, no U+FFFD).
    expect(p.metadata['HW_R_OPT_NAME-4']).toBe('標準アッテネータ|Standard Attenuator');
    expect(p.metadata['HW_SAMPLE_HOLDER_NAME']).toBe('標準Zステージ|Standard Z stage');
    expect(p.metadata['strata.encoding']).toBe('shift_jis');
    expect(Object.values(p.metadata).join('')).not.toContain('\uFFFD');
    expect(p.metadata.FILE_SAMPLE).toBe('MB120718Si3');
    // First data row: 2.0000 7994.0000 1.0000 → counts × attenuation.
    expect(p.intensity[0]).toBe(7994);
    expect(p.otherScans).toBeUndefined();
  });

  it('SmartLab Studio II .rasx: zip members, BOM profile, wavelength and RAS header copy', () => {
    const bytes = readSharedData('xrd', 'gredig_RM20220915Si01.rasx');
    expect(detectFormat('gredig_RM20220915Si01.rasx', bytes.subarray(0, 8192))).toBe('rigaku-rasx');
    const p = readRasx(bytes, 'gredig_RM20220915Si01.rasx');
    expect(p.twoThetaDeg.length).toBe(2151);
    expect(p.twoThetaDeg[0]).toBeCloseTo(8.5, 10);
    expect(p.twoThetaDeg[2150]).toBeCloseTo(30, 10);
    expect(stepOf(p.twoThetaDeg)).toBeCloseTo(0.01, 10);
    expect(p.wavelength).toEqual({ alpha1A: 1.540593, alpha2A: 1.544414 });
    expect(p.intensity[0]).toBe(591); // "8.5000\t591\t1" after the BOM
    expect(p.metadata['ScanInformation.DataCount']).toBe('2151');
    expect(p.metadata['GeneralInformation.SampleName']).toBe('RM20220915Si01');
    expect(p.metadata.FILE_MD5).toBe('');
  });

  it('Rigaku .asc: *KEY = value header, intensity-only groups', () => {
    const bytes = readSharedData('xrd', 'gredig_2Theta.asc');
    expect(detectFormat('gredig_2Theta.asc', bytes.subarray(0, 8192))).toBe('rigaku-asc');
    const p = readAsc(bytes, 'gredig_2Theta.asc');
    expect(p.twoThetaDeg.length).toBe(7601);
    expect(p.twoThetaDeg[0]).toBeCloseTo(4, 10);
    expect(p.twoThetaDeg[7600]).toBeCloseTo(80, 10);
    expect(stepOf(p.twoThetaDeg)).toBeCloseTo(0.01, 10);
    expect(p.wavelength).toEqual({ alpha1A: 1.54059, alpha2A: 1.54441 });
    expect(p.metadata.SAMPLE).toBe('JC170705CuPcAuCrSi5');
    expect(p.metadata.MEMO).toBe('Pre CuPc');
    expect(p.metadata['SLIT_NAME#3']).toBe('2, Receiving slit # 2');
  });

  it.skipIf(!hasXyconv)(`.asc agrees point for point with xyconv's rigaku_dat reader ${hasXyconv ? '' : `(skipped: ${XYCONV_SKIP})`}`, () => {
    const bytes = readSharedData('xrd', 'gredig_2Theta.asc');
    const ours = readAsc(bytes, 'gredig_2Theta.asc');
    const theirs = xyconvPoints(bytes, 'rigaku_dat', 'asc');
    expect(theirs.length).toBe(ours.twoThetaDeg.length);
    theirs.forEach(([x, y], i) => {
      expect(Math.abs(x - ours.twoThetaDeg[i])).toBeLessThan(1e-6);
      expect(y).toBe(ours.intensity[i]);
    });
  });

  it('θ-column text (gredig_MnPcTheta.txt): detected from the file name and doubled to 2θ', () => {
    const bytes = readSharedData('xrd', 'gredig_MnPcTheta.txt');
    expect(detectFormat('gredig_MnPcTheta.txt', bytes.subarray(0, 8192))).toBe('xy-text');
    const p = readXrd(bytes, 'gredig_MnPcTheta.txt', 'xy-text');
    expect(p.twoThetaDeg.length).toBe(2201);
    expect(p.twoThetaDeg[0]).toBeCloseTo(2, 10); // θ = 1.0000
    expect(p.twoThetaDeg[2200]).toBeCloseTo(90, 10); // θ = 45.0000
    expect(stepOf(p.twoThetaDeg)).toBeCloseTo(0.04, 10);
    expect(p.intensity[0]).toBeCloseTo(5711.6667, 4);
    expect(p.metadata['strata.angleColumn']).toMatch(/^θ .*doubled to 2θ$/);
    expect(p.intensityUnit).toBe('arbitrary');
    expect(p.wavelength).toBeNull();
    // The caller can overrule the file name.
    const asIs = readXyText(bytes, 'gredig_MnPcTheta.txt', { angleAxis: 'twoTheta' });
    expect(asIs.twoThetaDeg[2200]).toBeCloseTo(45, 10);
  });
});
