import { describe, expect, it } from 'vitest';
import { parseFeiMetadata } from '../../../core/io/sem/fei.js';
import { parseTescanMetadata } from '../../../core/io/sem/tescan.js';
import { parseZeissMetadata } from '../../../core/io/sem/zeiss.js';
import { PAPER_ANODE_FREE } from '../../../core/model/layerStack.js';
import { measureCrossSection } from '../../../core/sem/index.js';
import { syntheticSection } from '../../sem/synthetic.js';
import { tescanTagOf } from './makeTiff.js';

/** A Tescan tag with these MAIN and SEM blocks. */
const tescanTag = (main: string, sem: string): Uint8Array => tescanTagOf([[2, main], [3, sem]]);

describe('the instruments\' own tilt correction and pixel shape, from their metadata', () => {
  it('FEI/Thermo: [EBeam] TiltCorrectionIsOn with its angle in radians; PixelHeight against PixelWidth', () => {
    const on = parseFeiMetadata('[Scan]\r\nPixelWidth=4e-09\r\nPixelHeight=5e-09\r\n[Stage]\r\nStageT=0.907571\r\n[EBeam]\r\nTiltCorrectionIsOn=yes\r\nTiltCorrectionAngle=0.663225\r\n', 1024);
    expect(on.tiltCorrection?.detail).toBe('tag 34682 [EBeam] TiltCorrectionIsOn=yes');
    expect(on.tiltCorrection?.angleDeg).toBeCloseTo(38, 3);
    expect(on.pixelAspect).toBeCloseTo(1.25, 9);
    // As the real Scios file has it: off, square.
    const off = parseFeiMetadata('[Scan]\r\nPixelWidth=2.69792e-007\r\nPixelHeight=2.69792e-007\r\n[EBeam]\r\nTiltCorrectionIsOn=no\r\nTiltCorrectionAngle=0\r\n', 1536);
    expect(off.tiltCorrection).toBeUndefined();
    expect(off.pixelAspect).toBe(1);
  });

  it('Zeiss: DP_TILT_CORRECTION On with AP_TILT_ANGLE; Off (the real Crossbeam file) is no correction', () => {
    const text = (state: string) => `0 0 0\r\nAP_STAGE_AT_T\r\nStage at T =  52.0 \u00b0\r\nDP_TILT_CORRECTION\r\nTilt Corrn. = ${state}\r\nAP_TILT_ANGLE\r\nTilt Angle =  38.0 \u00b0\r\n`;
    expect(parseZeissMetadata(text('On'), 1024).tiltCorrection).toEqual({ angleDeg: 38, detail: 'tag 34118 DP_TILT_CORRECTION = On' });
    expect(parseZeissMetadata(text('Off'), 1024).tiltCorrection).toBeUndefined();
  });

  it('Tescan: SEM TiltCorrection (its angle; 0 is off) and PixelSizeY', () => {
    const on = parseTescanMetadata(tescanTag('PixelSizeX=2.5e-08\r\nPixelSizeY=2.5e-08\r\n', 'StageTilt=52\r\nTiltCorrection=38\r\n'), 800);
    expect(on.tiltCorrection).toEqual({ angleDeg: 38, detail: 'tag 50431 SEM TiltCorrection=38' });
    expect(on.pixelAspect).toBe(1);
    expect(parseTescanMetadata(tescanTag('PixelSizeX=2.5e-08\r\n', 'TiltCorrection=0.0\r\n'), 800).tiltCorrection).toBeUndefined();
  });
});

describe('the cross-section measurement of such images', () => {
  const truth = [150, 200, 600, 150, 200];
  const level = (o: object = {}) => syntheticSection({ width: 480, height: 400, pixelSizeNm: 4, topNm: 160, levels: [16, 182, 70, 120, 182, 56, 98], noise: 8, blurNm: 4, thicknessesNm: truth, ...o });
  const within = (nm: number[], factor = 1) => nm.forEach((t, i) => expect(Math.abs(t - truth[i] * factor), `${t} vs ${truth[i] * factor}`).toBeLessThanOrEqual(Math.max(0.03 * truth[i] * factor, 8)));

  it('does not correct again an image the instrument stretched for its tilt (it counted the tilt twice)', () => {
    // Drawn unforeshortened (the instrument's stretch), its stage at 52°.
    const img = { ...level(), tiltDeg: 52, instrumentTiltCorrection: { angleDeg: 38, detail: 'tag 34682 [EBeam] TiltCorrectionIsOn=yes' } };
    const r = measureCrossSection(img, PAPER_ANODE_FREE);
    within(r.layers.map((l) => l.thicknessNm));
    expect(r.details.tiltDeg).toBe(0);
    expect(r.details.warnings).toContain('the instrument corrected the tilt itself (tag 34682 [EBeam] TiltCorrectionIsOn=yes, for 38°): not corrected again');
    // A view angle given by the user still wins.
    expect(measureCrossSection(img, PAPER_ANODE_FREE, { tiltDeg: 10 }).details.tiltDeg).toBe(10);
  });

  it('measures across the layers in the pixel height where pixels are not square', () => {
    // Drawn at 4 nm a pixel; the metadata say the pixels are 4 nm wide and 5 nm high.
    const img = { ...level(), pixelAspect: 1.25 };
    const r = measureCrossSection(img, PAPER_ANODE_FREE);
    within(r.layers.map((l) => l.thicknessNm), 1.25);
    expect(r.details.warnings).toContain('pixels are not square (height 5 nm, width 4 nm): thicknesses use the height');
  });
});
