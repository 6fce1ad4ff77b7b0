import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { assertPointCount, decodeText, optionalNumber, patternFromScans, steppedAxis, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';
import { attr, child, childText, children, flattenLeaves, parseXml, text } from './xml.js';
import type { XmlNode } from './xml.js';
import { xrdmlOptics } from './optics.js';
import type { XrdOptics } from '../../model/xrdPattern.js';

/**
 * PANalytical XRDML (schema 1.0–2.x). Every `xrdMeasurement/scan` is one scan. Its
 * `dataPoints` hold `positions` per axis (the `2Theta` axis preferred; `startPosition` /
 * `endPosition` evenly spaced over the points, or `listPositions`), the values as `counts`
 * (raw) or `intensities` (unit attribute says counts or counts/s), an optional
 * `commonCountingTime`, and optional `beamAttenuationFactors`, which multiply the values.
 * The wavelength comes from `usedWavelength` (kAlpha1, kAlpha2, ratioKAlpha2KAlpha1).
 */
export function readXrdml(bytes: Uint8Array, fileName: string): XrdPattern {
  const xml = parseXml(decodeText(bytes), fileName);
  const root = child(xml, 'xrdMeasurements');
  if (!root) throw new FormatError(fileName, 'not XRDML: no <xrdMeasurements> root');
  const fileMeta: Record<string, string> = {};
  const entries = children(child(root, 'comment'), 'entry').map((e) => text(e) ?? '');
  if (entries.length) fileMeta.comment = entries.join(' | ');
  flattenLeaves(child(root, 'sample'), 'sample', fileMeta);
  const scans: ScanInit[] = [];
  for (const meas of children(root, 'xrdMeasurement')) {
    const used = child(meas, 'usedWavelength');
    const wavelength = wavelengthFrom(
      optionalNumber(childText(used, 'kAlpha1')),
      optionalNumber(childText(used, 'kAlpha2')),
      optionalNumber(childText(used, 'ratioKAlpha2KAlpha1')),
    );
    const measMeta: Record<string, string> = { ...fileMeta };
    for (const k of ['measurementType', 'status', 'sampleMode']) if (attr(meas, k)) measMeta[k] = attr(meas, k)!;
    if (used) flattenLeaves(used, 'usedWavelength', measMeta);
    flattenLeaves(child(meas, 'incidentBeamPath'), 'incidentBeamPath', measMeta);
    flattenLeaves(child(meas, 'diffractedBeamPath'), 'diffractedBeamPath', measMeta);
    const optics = xrdmlOptics(meas);
    children(meas, 'scan').forEach((scan, index) => scans.push(readScan(fileName, scan, index, wavelength, measMeta, optics)));
  }
  return patternFromScans(fileName, scans);
}

function numbersOf(fileName: string, node: XmlNode | undefined, what: string): Float64Array {
  const raw = text(node) ?? '';
  const items = raw.split(/\s+/).filter((s) => s !== '');
  assertPointCount(fileName, what, items.length);
  const out = new Float64Array(items.length);
  items.forEach((s, i) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new FormatError(fileName, `${what}: value ${i + 1} is '${s.slice(0, 20)}', not a number`);
    out[i] = v;
  });
  return out;
}

function readScan(fileName: string, scan: XmlNode, index: number, wavelength: ScanInit['wavelength'], measMeta: Record<string, string>, optics: XrdOptics): ScanInit {
  const points = child(scan, 'dataPoints');
  if (!points) throw new FormatError(fileName, `scan ${index + 1} has no <dataPoints>`);
  const countsNode = child(points, 'counts');
  const intensNode = child(points, 'intensities');
  const valueNode = countsNode ?? intensNode;
  if (!valueNode) throw new FormatError(fileName, `scan ${index + 1}: neither <counts> nor <intensities>`);
  const values = numbersOf(fileName, valueNode, 'intensities');
  const n = values.length;
  const positions = children(points, 'positions');
  const pos = positions.find((p) => attr(p, 'axis') === '2Theta') ?? positions.find((p) => /2theta/i.test(attr(p, 'axis') ?? '')) ?? positions[0];
  if (!pos) throw new FormatError(fileName, `scan ${index + 1}: no <positions>`);
  let angles: Float64Array;
  const list = child(pos, 'listPositions');
  if (list) {
    angles = numbersOf(fileName, list, 'listPositions');
    if (angles.length !== n) throw new FormatError(fileName, `scan ${index + 1}: ${angles.length} listPositions but ${n} intensities`);
  } else {
    const start = optionalNumber(childText(pos, 'startPosition'));
    const end = optionalNumber(childText(pos, 'endPosition'));
    if (start === undefined || end === undefined) throw new FormatError(fileName, `scan ${index + 1}: positions without start/end or list`);
    angles = steppedAxis(start, n > 1 ? (end - start) / (n - 1) : 0, n);
  }
  const atten = child(points, 'beamAttenuationFactors');
  let attenuated = false;
  if (atten) {
    const f = numbersOf(fileName, atten, 'beamAttenuationFactors');
    if (f.length === n) {
      for (let i = 0; i < n; i++) values[i] *= f[i];
      attenuated = f.some((x) => x !== 1);
    }
  }
  const unitAttr = (attr(valueNode, 'unit') ?? 'counts').toLowerCase();
  const metadata: Record<string, string> = { ...measMeta, 'strata.scanIndex': String(index), 'strata.positionsAxis': attr(pos, 'axis') ?? '' };
  for (const k of ['mode', 'scanAxis', 'status', 'appendNumber']) if (attr(scan, k)) metadata[`scan.@${k}`] = attr(scan, k)!;
  flattenLeaves(child(scan, 'header'), 'scan.header', metadata);
  const time = optionalNumber(childText(points, 'commonCountingTime'));
  if (time !== undefined) metadata.commonCountingTimeS = String(time);
  metadata['strata.intensity'] = `${countsNode ? '<counts>' : '<intensities>'} unit=${unitAttr}${attenuated ? ' × beamAttenuationFactors' : ''}`;
  return {
    source: { fileName, format: 'xrdml' },
    twoThetaDeg: angles,
    intensity: values,
    intensityUnit: unitAttr === 'counts' ? 'counts' : /counts\s*\/\s*s|cps/.test(unitAttr) ? 'cps' : 'arbitrary',
    wavelength,
    metadata,
    optics: { ...optics },
  };
}
