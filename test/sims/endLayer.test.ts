import { describe, expect, it } from 'vitest';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { analyzeSimsState } from '../../core/sims/analyze.js';
import { endLayerRateText, endLayerWidth } from '../../core/sims/endLayer.js';
import { batterySpec, makeSynthetic } from './synthetic.js';

const LABELS: Record<string, string> = { cc: 'CC', substrate: 'SiO₂/Si' };
const label = (role: string): string => LABELS[role] ?? role;

describe('the layer the profile ends in', () => {
  // Interfaces at 40, 90, 190 and 230 s; 150 scans of 2 s: the profile stops 70 s into the substrate.
  const spec = batterySpec({ seed: 41 });
  const { profile } = makeSynthetic(spec);
  const thicknessesNm = { cc_aam: 150, sei_se: 200, cam: 600, cc: 150 };
  const profileEndS = spec.scans * spec.scanPeriodS;

  it('is the last layer, marked so; its width is its time at the rate of the layer above, said so', async () => {
    const r = await analyzeSimsState({ profile, layerStack: PAPER_ANODE_FREE, thicknessesNm });
    expect(r.layers.map((l) => l.profileEndsInIt)).toEqual([false, false, false, false, true]);
    const end = endLayerWidth(r)!;
    expect(end).toEqual({ role: 'substrate', rate: 'extrapolated', rateOfRole: 'cc' });
    const cc = r.layers[3];
    const substrate = r.layers[4];
    const ccRateNmPerS = 150 / (cc.endS - cc.startS);
    expect(substrate.widthNm).toBeCloseTo((substrate.endS - substrate.startS) * ccRateNmPerS, 9);
    // Against the truth: 70 s sputtered into it at CC's true 150 nm / 40 s, within a scan's
    // worth of depth on either end (the interface and the profile's last scan).
    const trueWidthNm = (profileEndS - spec.boundariesS[3]) * (150 / (spec.boundariesS[3] - spec.boundariesS[2]));
    expect(Math.abs(substrate.widthNm - trueWidthNm)).toBeLessThan(2 * spec.scanPeriodS * ccRateNmPerS);
    expect(endLayerRateText(end, label)).toBe("extrapolated at CC's sputter rate");
    // A report without the record of its rates: the analysis's own rule, said without a layer's name.
    const unrecorded = endLayerWidth({ ...r, parameters: { ...r.parameters, calibration: null } })!;
    expect(unrecorded).toEqual({ role: 'substrate', rate: 'extrapolated' });
    expect(endLayerRateText(unrecorded, label)).toBe('extrapolated');
  });

  it('a substrate rate given is said as given', async () => {
    const r = await analyzeSimsState({ profile, layerStack: PAPER_ANODE_FREE, thicknessesNm, options: { substrateRateNmPerS: 1.5 } });
    const end = endLayerWidth(r)!;
    expect(end).toEqual({ role: 'substrate', rate: 'given' });
    const substrate = r.layers[4];
    expect(substrate.widthNm).toBeCloseTo((substrate.endS - substrate.startS) * 1.5, 9);
    expect(endLayerRateText(end, label)).toBe('at the substrate rate given');
  });

  it('without a depth calibration there is no width to qualify', async () => {
    const r = await analyzeSimsState({ profile, layerStack: PAPER_ANODE_FREE, thicknessesNm: { ...thicknessesNm, cc: -1 } });
    expect(r.depthCalibration).toBe('none');
    expect(r.layers[4].profileEndsInIt).toBe(true);
    expect(endLayerWidth(r)).toBeNull();
  });
});
