import { readFileSync } from 'node:fs';
import { N, X, Y, raw101, raw400, rawV1 } from './xrdFixtures.js';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { FormatId } from '../../../core/io/detect.js';
import { readXrd } from '../../../core/io/xrd/index.js';
import type { XrdPattern } from '../../../core/model/xrdPattern.js';
import {
  allocBound,
  allocBoundForCompressed,
  applyMutation,
  applyTextEdit,
  encodeText,
  ENCODINGS,
  FUZZ_RUNS,
  FuzzTally,
  mutationArb,
  textEditArb,
} from '../../helpers/fuzz.js';
import type { Encoding, Mutation, TextEdit } from '../../helpers/fuzz.js';
import { hasSharedData, PROJECT_ROOT, readSharedData } from '../../helpers/sharedData.js';

// Hostile input (issue 7) for every XRD reader: Rigaku ras (Shift-JIS), rasx (zip), asc, xy text,
// PANalytical xrdml, Bruker brml (zip) and raw (v1, RAW1.01, RAW4.00). Valid files, written
// here per the published layouts or taken from the sample study and the shared real files,
// are edited the ways broken and crafted files are; each must give a consistent pattern or a
// FormatError naming the file (or `file:member` inside an archive), quickly, allocating no
// more than the input can justify.


function ras(): string {
  const block = (k: number): string[] => [
    '*RAS_HEADER_START',
    `*FILE_SAMPLE "scan${k}"`,
    '*FILE_OPERATOR "標準アッテネータ"',
    '*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"',
    `*MEAS_DATA_COUNT "${N}"`,
    '*MEAS_SCAN_UNIT_Y "counts"',
    '*RAS_HEADER_END',
    '*RAS_INT_START',
    ...X.map((x, i) => `${x.toFixed(4)} ${Y[i].toFixed(4)} ${i === 9 ? '10.0000' : '1.0000'}`),
    '*RAS_INT_END',
  ];
  return ['*RAS_DATA_START', ...block(1), ...block(2), '*RAS_DATA_END', ''].join('\r\n');
}

function asc(shape: 'list' | 'pairs'): string {
  const head = ['*TYPE = Raw', '*WAVE_LENGTH1 = 1.54056', '*WAVE_LENGTH2 = 1.5444', '*YUNIT = counts'];
  if (shape === 'pairs') return [...head, '*BEGIN', '*START = 20', '*STOP = 20.38', '*STEP = 0.02', ...X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`), '*END', '*EOF'].join('\r\n');
  const rows: string[] = [];
  for (let i = 0; i < N; i += 4) rows.push(Y.slice(i, i + 4).join(', '));
  return [...head, '*BEGIN', '*START = 20', '*STOP = 20.38', '*STEP = 0.02', `*COUNT = ${N}`, ...rows, '*END', '*EOF'].join('\r\n');
}

const xy = (): string => `# sample LFP\n# wavelength: 1.5406\n2Theta Intensity\n${X.map((x, i) => `${x.toFixed(2)} ${Y[i]}`).join('\n')}\n`;
const csv = (): string => `2Theta;Intensity\n${X.map((x, i) => `${x.toFixed(2).replace('.', ',')};${Y[i]}`).join('\n')}`;

function xrdml(list: boolean): string {
  const pos = list
    ? `<positions axis="2Theta" unit="deg"><listPositions>${X.map((x) => x.toFixed(2)).join(' ')}</listPositions></positions>`
    : '<positions axis="2Theta" unit="deg"><startPosition>20.00</startPosition><endPosition>20.38</endPosition></positions>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5" status="Completed">
  <comment><entry>Configuration=Reflection</entry></comment>
  <sample type="To be analyzed"><id>LFP-film-1</id><name>LFP film</name></sample>
  <xrdMeasurement measurementType="Scan" status="Completed">
    <usedWavelength intended="K-Alpha 1"><kAlpha1 unit="Angstrom">1.5405980</kAlpha1><kAlpha2 unit="Angstrom">1.5444260</kAlpha2><ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1></usedWavelength>
    <scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed">
      <dataPoints>
        ${pos}
        <beamAttenuationFactors>${Y.map((_, i) => (i === 9 ? 10 : 1)).join(' ')}</beamAttenuationFactors>
        <commonCountingTime unit="seconds">1.00</commonCountingTime>
        <${list ? 'intensities' : 'counts'} unit="counts">${Y.join(' ')}</${list ? 'intensities' : 'counts'}>
      </dataPoints>
    </scan>
  </xrdMeasurement>
</xrdMeasurements>`;
}

function brmlXml(): string {
  const datums = X.map((x, i) => `<Datum>1,1,${x.toFixed(4)},${(x / 2).toFixed(4)},${Y[i]}</Datum>`).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<RawData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Identifier><Guid>0f7d</Guid></Identifier>
  <TimeStampStarted>2024-01-01T10:00:00</TimeStampStarted>
  <DataRoutes><DataRoute>
    <ScanInformation ScanName="Coupled TwoTheta/Theta"><MeasurementPoints>${N}</MeasurementPoints>
      <ScanAxes><ScanAxisInfo AxisId="TwoTheta" AxisName="2Theta" Unit="deg"><Start>20</Start><Stop>20.38</Stop><Increment>0.02</Increment></ScanAxisInfo></ScanAxes>
    </ScanInformation>
    ${datums}
  </DataRoute></DataRoutes>
  <FixedInformation><Instrument><WaveLengthAlpha1 Value="1.5406" /><WaveLengthAlpha2 Value="1.54439" /><WaveLengthRatio Value="0.5" /></Instrument></FixedInformation>
</RawData>`;
}

const brml = (xml = brmlXml()): Uint8Array => zipSync({ 'Experiment0/RawData0.xml': strToU8(xml), 'Experiment0/DataContainer.xml': strToU8('<DataContainer/>') });

const rasxConditions = `<?xml version="1.0" encoding="utf-8"?><MeasurementConditions><GeneralInformation><SampleName>LFP</SampleName></GeneralInformation><ScanInformation><IntensityUnit>cps</IntensityUnit></ScanInformation><HWConfigurations><XrayGenerator><WavelengthKalpha1>1.540593</WavelengthKalpha1><WavelengthKalpha2>1.544414</WavelengthKalpha2></XrayGenerator></HWConfigurations><RASHeader><Pair><string>*FILE_SAMPLE</string><string>LFP</string></Pair></RASHeader></MeasurementConditions>`;
const rasxProfile = (): string => '\ufeff' + X.map((x, i) => `${x.toFixed(4)}\t${Y[i]}\t${i === 9 ? 10 : 1}`).join('\r\n');
const rasx = (profile = rasxProfile(), conditions = rasxConditions): Uint8Array =>
  zipSync({ 'root.xml': strToU8('<Root/>'), 'Data0/MesurementConditions0.xml': strToU8(conditions), 'Data0/Profile0.txt': strToU8(profile) });

/** A consistent pattern: matching, non-empty, finite arrays, as many as the file can hold. */
function checkPattern(p: XrdPattern, inputBytes: number, maxPoints: number): void {
  const scans = [p, ...(p.otherScans ?? [])];
  let total = 0;
  for (const s of scans) {
    expect(s.twoThetaDeg.length).toBeGreaterThan(0);
    expect(s.intensity.length).toBe(s.twoThetaDeg.length);
    expect(s.twoThetaDeg.every(Number.isFinite)).toBe(true);
    expect(s.intensity.every(Number.isFinite)).toBe(true);
    if (s.wavelength) expect(s.wavelength.alpha1A > 0 && s.wavelength.alpha1A < 10).toBe(true);
    for (const v of Object.values(s.metadata)) expect(typeof v).toBe('string');
    total += s.twoThetaDeg.length;
  }
  expect(total, `${total} points from ${inputBytes} bytes`).toBeLessThanOrEqual(maxPoints);
}

interface Format {
  id: FormatId;
  name: string;
  seeds: Uint8Array[];
  /** Texts to edit before encoding (text formats) or to zip after editing (zipped formats). */
  texts?: string[];
  rezip?: (text: string) => Uint8Array;
  /** Points one input byte can hold at most. */
  pointsPerByte: number;
  compressed?: boolean;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const study = (f: string): Uint8Array => new Uint8Array(readFileSync(resolve(PROJECT_ROOT, 'samples/study', f)));
const shared = (f: string): Uint8Array[] => (hasSharedData ? [readSharedData('xrd', f)] : []);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const FORMATS: Format[] = [
  { id: 'rigaku-ras', name: 'fuzz.ras', seeds: [enc(ras()), study('pristine/xrd.ras'), ...shared('gredig_MB120718Si3.ras')], texts: [ras(), dec(study('charged/xrd.ras')).slice(0, 6000) + '\n*RAS_INT_END\n'], pointsPerByte: 0.5 },
  { id: 'rigaku-asc', name: 'fuzz.asc', seeds: [enc(asc('list')), enc(asc('pairs')), ...shared('gredig_2Theta.asc')], texts: [asc('list'), asc('pairs')], pointsPerByte: 0.5 },
  { id: 'xy-text', name: 'fuzz.xy', seeds: [enc(xy()), enc(csv()), ...shared('gredig_MnPcTheta.txt')], texts: [xy(), csv()], pointsPerByte: 0.5 },
  { id: 'xrdml', name: 'fuzz.xrdml', seeds: [enc(xrdml(false)), enc(xrdml(true))], texts: [xrdml(false), xrdml(true)], pointsPerByte: 0.5 },
  { id: 'rigaku-rasx', name: 'fuzz.rasx', seeds: [rasx(), ...shared('gredig_RM20220915Si01.rasx')], texts: [rasxProfile(), rasxConditions], rezip: (t) => (t.startsWith('<') ? rasx(undefined, t) : rasx(t)), pointsPerByte: 600, compressed: true },
  { id: 'bruker-brml', name: 'fuzz.brml', seeds: [brml()], texts: [brmlXml()], rezip: (t) => brml(t), pointsPerByte: 600, compressed: true },
  { id: 'bruker-raw', name: 'fuzz.raw', seeds: [raw101(), raw400(24), rawV1()], pointsPerByte: 0.25 },
];

/** A zip whose every member claims `size` bytes once inflated (local and central headers). */
function claimSize(zip: Uint8Array, size: number, compressedSize?: number): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 46 <= out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50 && dv.getUint16(i + 8, true) === 8) {
      dv.setUint32(i + 22, size, true);
      if (compressedSize !== undefined) dv.setUint32(i + 18, compressedSize, true);
    }
    if (sig === 0x02014b50 && dv.getUint16(i + 10, true) === 8) {
      dv.setUint32(i + 24, size, true);
      if (compressedSize !== undefined) dv.setUint32(i + 20, compressedSize, true);
    }
  }
  return out;
}

describe('hostile input: XRD readers', () => {
  it('refuses a zip member that claims more than deflate can produce from its bytes (rasx, brml)', async () => {
    for (const [id, name, zip] of [['rigaku-rasx', 'bomb.rasx', rasx()], ['bruker-brml', 'bomb.brml', brml()]] as const) {
      const bomb = claimSize(zip, 200 * 1024 ** 2);
      const tally = new FuzzTally(`xrd ${id} size claim`, { maxAllocBytes: allocBoundForCompressed });
      await tally.run([name], async () => void readXrd(bomb, name, id), bomb.length);
      expect(tally.refused).toBe(1);
      expect(() => readXrd(bomb, name, id)).toThrow(/claims 209715200 bytes/);
      // A compressed size beyond the archive (a corrupt directory, found by the fuzzer) does not
      // license a larger original: deflate makes at most 1032 bytes of each byte there is.
      const overstated = claimSize(zip, 1032 * zip.length + 4096, 0x7fffffff);
      expect(() => readXrd(overstated, name, id)).toThrow(new RegExp(`claims ${1032 * zip.length + 4096} bytes from 2147483647 compressed, in a ${zip.length}-byte archive`));
    }
  });

  for (const format of FORMATS) {
    it(`${format.id}: ${FUZZ_RUNS} mutated files`, async () => {
      // Every seed must read: the mutations start from valid files.
      for (const seed of format.seeds) checkPattern(readXrd(seed, format.name, format.id), seed.length, Infinity);
      const tally = new FuzzTally(`xrd ${format.id}`, { maxAllocBytes: format.compressed ? allocBoundForCompressed : allocBound(16) });
      const edits: fc.Arbitrary<{ seed: number; m: Mutation } | { text: number; edits: TextEdit[]; encoding: Encoding }>[] = [
        fc.record({ seed: fc.nat({ max: format.seeds.length - 1 }), m: mutationArb(4096) }),
        fc.record({ seed: fc.nat({ max: format.seeds.length - 1 }), m: mutationArb(1 << 17) }),
      ];
      if (format.texts) {
        edits.push(
          fc.record({
            text: fc.nat({ max: format.texts.length - 1 }),
            edits: fc.array(textEditArb(6000), { minLength: 1, maxLength: 4 }),
            // Zipped members stay UTF-8; loose text files come in whatever a tool wrote.
            encoding: format.rezip ? fc.constant('utf-8' as const) : fc.constantFrom(...ENCODINGS),
          }),
        );
      }
      await fc.assert(
        fc.asyncProperty(fc.oneof(...edits), async (edit) => {
          let bytes: Uint8Array;
          if ('m' in edit) bytes = applyMutation(format.seeds[edit.seed], edit.m);
          else {
            const text = edit.edits.reduce(applyTextEdit, format.texts![edit.text]);
            bytes = format.rezip ? format.rezip(text) : encodeText(text, edit.encoding);
          }
          await tally.run([format.name], async () => checkPattern(readXrd(bytes, format.name, format.id), bytes.length, Math.max(64, format.pointsPerByte * bytes.length)), bytes.length);
        }),
        { numRuns: FUZZ_RUNS },
      );
      tally.report();
      expect(tally.tried).toBe(FUZZ_RUNS);
    });
  }
});
