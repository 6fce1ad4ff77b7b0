import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../../core/pipeline/reportTables.js';

describe('report tables as CSV', () => {
  it('writes a number that is not finite as an empty cell, as report.json writes null', () => {
    const csv = tableToCsv({ name: 'sims_interfaces.csv', rows: [{ upper: 'a', lower: 'b', markerIon: '', resolutionS: Number.NaN, depthNm: 12.5, timeS: Number.POSITIVE_INFINITY, note: null }] });
    expect(csv).toBe('upper,lower,markerIon,resolutionS,depthNm,timeS,note\na,b,,,12.5,,\n');
  });
});
