import { zipSync, strToU8 } from 'fflate';
import { N, X, Y, raw101, raw400, rawV1 } from './xrdFixtures.js';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../core/io/detect.js';
import { readXrd } from '../../../core/io/xrd/index.js';
import { FormatError } from '../../../core/model/errors.js';
import { hasXyconv, XYCONV_SKIP, xyconvPoints } from './xyconv.js';

/** A small reference scan every writer below encodes: 20.00–20.38°, 0.02° steps. */
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const xyconvNote = hasXyconv ? '' : ` (skipped: ${XYCONV_SKIP})`;

function expectSameScan(x: ArrayLike<number>, y: ArrayLike<number>, tolX = 1e-9): void {
  expect(x.length).toBe(N);
  for (let i = 0; i < N; i++) {
    expect(Math.abs(x[i] - X[i])).toBeLessThan(tolX);
    expect(y[i]).toBeCloseTo(Y[i], 6);
  }
}

// ---- PANalytical XRDML (schema 1.5 layout) ----
function xrdml(opts: { values: 'counts' | 'intensities'; positions: 'range' | 'list'; scans?: number }): string {
  const pos =
    opts.positions === 'range'
      ? '<positions axis="2Theta" unit="deg"><startPosition>20.00</startPosition><endPosition>20.38</endPosition></positions>'
      : `<positions axis="2Theta" unit="deg"><listPositions>${X.map((x) => x.toFixed(2)).join(' ')}</listPositions></positions>`;
  const scan = (k: number): string => `
    <scan appendNumber="${k}" mode="Continuous" scanAxis="Gonio" status="Completed">
      <header><startTimeStamp>2024-01-01T10:00:00</startTimeStamp></header>
      <dataPoints>
        ${pos}
        <positions axis="Omega" unit="deg"><startPosition>10.00</startPosition><endPosition>10.19</endPosition></positions>
        <commonCountingTime unit="seconds">1.00</commonCountingTime>
        <${opts.values} unit="counts">${Y.map((y) => y + k).join(' ')}</${opts.values}>
      </dataPoints>
    </scan>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5" status="Completed">
  <comment><entry>Configuration=Reflection-transmission spinner</entry></comment>
  <sample type="To be analyzed"><id>LFP-film-1</id><name>LFP film</name></sample>
  <xrdMeasurement measurementType="Scan" status="Completed">
    <usedWavelength intended="K-Alpha 1">
      <kAlpha1 unit="Angstrom">1.5405980</kAlpha1>
      <kAlpha2 unit="Angstrom">1.5444260</kAlpha2>
      <kBeta unit="Angstrom">1.3922500</kBeta>
      <ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>
    </usedWavelength>${Array.from({ length: opts.scans ?? 1 }, (_, k) => scan(k)).join('')}
  </xrdMeasurement>
</xrdMeasurements>`;
}

describe('XRDML (files written per the published schema)', () => {
  it('counts with start/end positions, wavelength Kα1/Kα2/ratio, metadata', () => {
    const bytes = enc(xrdml({ values: 'counts', positions: 'range' }));
    expect(detectFormat('a.xrdml', bytes)).toBe('xrdml');
    const p = readXrd(bytes, 'a.xrdml', 'xrdml');
    expectSameScan(p.twoThetaDeg, p.intensity);
    expect(p.wavelength).toEqual({ alpha1A: 1.540598, alpha2A: 1.544426, ratioAlpha2: 0.5 });
    expect(p.intensityUnit).toBe('counts');
    expect(p.metadata['sample.id']).toBe('LFP-film-1');
    expect(p.metadata.commonCountingTimeS).toBe('1');
  });

  it('intensities with listPositions; several scans become otherScans', () => {
    const p = readXrd(enc(xrdml({ values: 'intensities', positions: 'list', scans: 2 })), 'b.xrdml', 'xrdml');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-6);
    expect(p.otherScans?.length).toBe(1);
    expect(p.otherScans![0].intensity[0]).toBe(Y[0] + 1);
  });

  it.skipIf(!hasXyconv)(`agrees with xyconv's xrdml reader${xyconvNote}`, () => {
    const bytes = enc(xrdml({ values: 'intensities', positions: 'range' }));
    const ours = readXrd(bytes, 'c.xrdml', 'xrdml');
    const theirs = xyconvPoints(bytes, 'xrdml', 'xrdml');
    expect(theirs.length).toBe(N);
    theirs.forEach(([x, y], i) => {
      expect(Math.abs(x - ours.twoThetaDeg[i])).toBeLessThan(1e-6);
      expect(y).toBe(ours.intensity[i]);
    });
  });

  it('mismatched listPositions is a FormatError naming the file', () => {
    const bad = xrdml({ values: 'counts', positions: 'list' }).replace('20.38</listPositions>', '</listPositions>');
    expect(() => readXrd(enc(bad), 'bad.xrdml', 'xrdml')).toThrow(/bad\.xrdml: .*listPositions/);
  });
});

// ---- Bruker BRML: zip with Experiment0/RawData0.xml ----
function brml(): Uint8Array {
  const datums = X.map((x, i) => `<Datum>1,1,${x.toFixed(4)},${(x / 2).toFixed(4)},${Y[i]}</Datum>`).join('\n      ');
  const raw = `<?xml version="1.0" encoding="utf-8"?>
<RawData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Identifier><Guid>0f7d</Guid></Identifier>
  <TimeStampStarted>2024-01-01T10:00:00</TimeStampStarted>
  <DataRoutes>
    <DataRoute>
      <ScanInformation ScanName="Coupled TwoTheta/Theta">
        <ScanMode>StepScan</ScanMode>
        <TimePerStep>1</TimePerStep>
        <MeasurementPoints>${N}</MeasurementPoints>
        <ScanAxes>
          <ScanAxisInfo AxisId="TwoTheta" AxisName="2Theta" Unit="deg"><Start>20</Start><Stop>20.38</Stop><Increment>0.02</Increment></ScanAxisInfo>
          <ScanAxisInfo AxisId="Theta" AxisName="Theta" Unit="deg"><Start>10</Start><Stop>10.19</Stop><Increment>0.01</Increment></ScanAxisInfo>
        </ScanAxes>
      </ScanInformation>
      ${datums}
    </DataRoute>
  </DataRoutes>
  <FixedInformation><Instrument><PrimaryTracks><TrackInfoData><MountedOptics><InfoData xsi:type="Tube">
    <TubeMaterial>Cu</TubeMaterial>
    <WaveLengthAlpha1 Value="1.5406" Unit="Angstrom" />
    <WaveLengthAlpha2 Value="1.54439" Unit="Angstrom" />
    <WaveLengthRatio Value="0.5" />
  </InfoData></MountedOptics></TrackInfoData></PrimaryTracks></Instrument></FixedInformation>
</RawData>`;
  return zipSync({ 'Experiment0/RawData0.xml': strToU8(raw), 'Experiment0/DataContainer.xml': strToU8('<DataContainer/>') });
}

describe('Bruker BRML (zip written per the DIFFRAC.SUITE layout GSAS-II also reads)', () => {
  it('reads 2θ and counts from the Datum records and the tube wavelengths', () => {
    const bytes = brml();
    expect(detectFormat('s.brml', bytes)).toBe('bruker-brml');
    const p = readXrd(bytes, 's.brml', 'bruker-brml');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-9);
    expect(p.wavelength).toEqual({ alpha1A: 1.5406, alpha2A: 1.54439, ratioAlpha2: 0.5 });
    expect(p.metadata['strata.datumLayout']).toBe('2θ = field 2, counts = field 4 of 5');
    expect(p.source.fileName).toBe('s.brml');
  });

  it('an archive without RawData is a FormatError', () => {
    expect(() => readXrd(zipSync({ 'x.txt': strToU8('hi') }), 'e.brml', 'bruker-brml')).toThrow(FormatError);
  });
});

// ---- Bruker RAW binaries (xrdFixtures.ts) ----
describe('Bruker RAW (binaries written per the DIFFRAC layouts)', () => {
  it('RAW1.01: header wavelengths, range start/step, float32 counts', () => {
    const bytes = raw101();
    expect(detectFormat('a.raw', bytes)).toBe('bruker-raw');
    const p = readXrd(bytes, 'a.raw', 'bruker-raw');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-9);
    expect(p.wavelength).toEqual({ alpha1A: 1.5406, alpha2A: 1.54439, ratioAlpha2: 0.5 });
    expect(p.metadata.SAMPLE_ID).toBe('LFP film');
    expect(p.metadata['file status']).toBe('done');
  });

  it('RAW4.00: segments and a range with an extra header', () => {
    const p = readXrd(raw400(24), 'b.raw', 'bruker-raw');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-9);
    expect(p.wavelength).toEqual({ alpha1A: 1.5406, alpha2A: 1.54439, ratioAlpha2: 0.5 });
    expect(p.metadata.SampleID).toBe('LFP film');
    expect(p.metadata.SCAN_TYPE).toBe('Locked Coupled');
  });

  it('RAW (v1)', () => {
    const p = readXrd(rawV1(), 'c.raw', 'bruker-raw');
    expect(p.twoThetaDeg.length).toBe(N);
    p.twoThetaDeg.forEach((x, i) => expect(Math.abs(x - X[i])).toBeLessThan(1e-5)); // float32 start/step
    p.intensity.forEach((y, i) => expect(y).toBe(Y[i]));
  });

  it.skipIf(!hasXyconv)(`RAW1.01 and RAW (v1) agree with xyconv's bruker_raw reader${xyconvNote}`, () => {
    for (const bytes of [raw101(), rawV1()]) {
      const ours = readXrd(bytes, 'x.raw', 'bruker-raw');
      const theirs = xyconvPoints(bytes, 'bruker_raw', 'raw');
      expect(theirs.length).toBe(N);
      theirs.forEach(([x, y], i) => {
        expect(Math.abs(x - ours.twoThetaDeg[i])).toBeLessThan(1e-5);
        expect(y).toBe(ours.intensity[i]);
      });
    }
  });

  it('absurd step counts are refused before allocating; truncation names the offset', () => {
    const huge = raw101();
    new DataView(huge.buffer).setUint32(712 + 4, 0xfffffff0, true);
    expect(() => readXrd(huge, 'huge.raw', 'bruker-raw')).toThrow(/huge\.raw @716: .*refused/);
    const short = raw400().subarray(0, 61 + 52 + 120 + 160 + 10);
    expect(() => readXrd(short, 'short.raw', 'bruker-raw')).toThrow(/short\.raw @\d+: file ends before/);
    expect(() => readXrd(enc('RAW2....'), 'v2.raw', 'bruker-raw')).toThrow(/version 2 is not supported/);
  });
});

describe('plain text and RAS written here', () => {
  it('.xy with comments, .xye third column, .csv with a header and decimal commas', () => {
    const xy = `# sample LFP\n# wavelength: 1.5406\n${X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`).join('\n')}\n`;
    const p = readXrd(enc(xy), 'a.xy', 'xy-text');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-9);
    expect(p.wavelength?.alpha1A).toBe(1.5406);
    const xye = readXrd(enc(X.map((x, i) => `${x.toFixed(2)}\t${Y[i]}\t${Math.sqrt(Y[i]).toFixed(3)}`).join('\r\n')), 'b.xye', 'xy-text');
    expect(xye.metadata['strata.errorColumn']).toMatch(/σ/);
    const csv = `2Theta;Intensity\n${X.map((x, i) => `${x.toFixed(2).replace('.', ',')};${Y[i]}`).join('\n')}`;
    const c = readXrd(enc(csv), 'c.csv', 'xy-text');
    expectSameScan(c.twoThetaDeg, c.intensity, 1e-9);
    expect(c.metadata['strata.angleColumn']).toMatch(/^2θ \(column label '2Theta;Intensity'\)/);
  });

  it('a scan written from high to low angle is read from low to high, and said so; one going back and forth is refused', () => {
    const down = readXrd(enc(X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`).reverse().join('\n')), 'down.xy', 'xy-text');
    expectSameScan(down.twoThetaDeg, down.intensity, 1e-9);
    expect(down.metadata['strata.angleOrder']).toBe('high to low in the file: read from low to high');
    expect(readXrd(enc(X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`).join('\n')), 'up.xy', 'xy-text').metadata['strata.angleOrder']).toBeUndefined();
    const zigzag = enc('20.00 5\n20.02 6\n20.01 7\n20.04 8\n');
    expect(() => readXrd(zigzag, 'zig.xy', 'xy-text')).toThrow(FormatError);
    expect(() => readXrd(zigzag, 'zig.xy', 'xy-text')).toThrow(/zig\.xy.*the angles go up and down \(point 3: 20\.01° after 20\.02°\)/);
  });

  it.skipIf(!hasXyconv)(`.xy agrees with xyconv's text reader${xyconvNote}`, () => {
    const bytes = enc(X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`).join('\n'));
    const theirs = xyconvPoints(bytes, 'text', 'xy');
    const ours = readXrd(bytes, 'd.xy', 'xy-text');
    theirs.forEach(([x, y], i) => {
      expect(x).toBe(ours.twoThetaDeg[i]);
      expect(y).toBe(ours.intensity[i]);
    });
  });

  it('multi-scan .ras with attenuation: intensity = counts × factor', () => {
    const block = (k: number): string[] => [
      '*RAS_HEADER_START',
      `*FILE_SAMPLE "scan${k}"`,
      '*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"',
      '*MEAS_SCAN_UNIT_Y "counts"',
      '*RAS_HEADER_END',
      '*RAS_INT_START',
      ...X.map((x, i) => `${x.toFixed(4)} ${i === 9 ? (Y[i] / 10).toFixed(4) : Y[i].toFixed(4)} ${i === 9 ? '10.0000' : '1.0000'}`),
      '*RAS_INT_END',
    ];
    const text = ['*RAS_DATA_START', ...block(1), ...block(2), '*RAS_DATA_END', ''].join('\r\n');
    const p = readXrd(enc(text), 'm.ras', 'rigaku-ras');
    expectSameScan(p.twoThetaDeg, p.intensity, 1e-9);
    expect(p.metadata['strata.attenuatedPoints']).toBe('1');
    expect(p.otherScans?.length).toBe(1);
    expect(p.otherScans![0].metadata.FILE_SAMPLE).toBe('scan2');
    const broken = text.replace('20.1000', '20.1x00');
    expect(() => readXrd(enc(broken), 'm.ras', 'rigaku-ras')).toThrow(/m\.ras:13: expected angle, found '20\.1x00'/);
    const unclosed = ['*RAS_DATA_START', ...block(1).slice(0, -1)].join('\n');
    expect(() => readXrd(enc(unclosed), 'u.ras', 'rigaku-ras')).toThrow(/never closed/);
  });
});
