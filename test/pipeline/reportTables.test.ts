import { describe, expect, it } from 'vitest';
import { reportTables, tableToCsv } from '../../core/pipeline/reportTables.js';
import type { Report } from '../../core/model/report.js';

describe('report tables as CSV', () => {
  it('writes a number that is not finite as an empty cell, as report.json writes null', () => {
    const csv = tableToCsv({ name: 'sims_interfaces.csv', rows: [{ upper: 'a', lower: 'b', markerIon: '', resolutionS: Number.NaN, depthNm: 12.5, timeS: Number.POSITIVE_INFINITY, note: null }] });
    expect(csv).toBe('upper,lower,markerIon,resolutionS,depthNm,timeS,note\na,b,,,12.5,,\n');
  });
});

describe('xrd_peaks.csv', () => {
  const peak = { twoThetaDeg: 20.7, twoThetaSigmaDeg: 0.03, fwhmDeg: 0.77, fwhmSigmaDeg: 0.1, area: 54.2, areaSigma: 7.5, phase: 'LiFePO4', hkl: '(101)', crystalliteNm: 10.6, crystalliteSigmaNm: 1.4 };
  const report = (areaUnit: string | undefined) => ({ states: [{ state: 'pristine', xrd: { file: 'pristine/xrd.ras', peaks: [peak], amorphousFraction: 0.9, ...(areaUnit ? { areaUnit } : {}) } }], comparison: { li: [] }, provenance: { parameters: {} } }) as unknown as Report;
  const header = (r: Report) => tableToCsv(reportTables(r).find((t) => t.name === 'xrd_peaks.csv')!).split('\n').slice(0, 2);

  it("says the areas' unit in a column right after their σ", () => {
    expect(header(report('cps·°'))).toEqual([
      'state,file,twoThetaDeg,twoThetaSigmaDeg,fwhmDeg,fwhmSigmaDeg,area,areaSigma,areaUnit,phase,hkl,crystalliteNm,crystalliteSigmaNm',
      'pristine,pristine/xrd.ras,20.7,0.03,0.77,0.1,54.2,7.5,cps·°,LiFePO4,(101),10.6,1.4',
    ]);
  });

  it('leaves the unit empty for a report written before it was recorded, not a guess', () => {
    expect(header(report(undefined))[1]).toBe('pristine,pristine/xrd.ras,20.7,0.03,0.77,0.1,54.2,7.5,,LiFePO4,(101),10.6,1.4');
  });
});
