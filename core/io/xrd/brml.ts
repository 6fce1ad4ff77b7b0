import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { assertPointCount, decodeText, optionalNumber, patternFromScans, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';
import { attr, child, childText, children, findAll, flattenLeaves, parseXml, text } from './xml.js';
import type { XmlNode } from './xml.js';
import { unzipMembers } from './zip.js';

/**
 * Bruker DIFFRAC.SUITE `.brml`: a zip whose `Experiment<i>/RawData<n>.xml` files each hold
 * `RawData/DataRoutes/DataRoute` elements. A route's `ScanInformation` gives the scan axes
 * (`ScanAxes/ScanAxisInfo` with Start/Stop/Increment), `MeasurementPoints` and the time per
 * step; its `Datum` elements are comma-separated records, one per step. The record layout is
 * read from the route's `RecordView` field definitions when present; otherwise the usual
 * locked-coupled layout is assumed (time, flag, 2θ, θ, counts: the layout GSAS-II also reads),
 * with the 2θ column recognised as the one that runs from the TwoTheta axis Start to Stop.
 * The wavelength is the `WaveLengthAlpha1/Alpha2/Ratio` `Value` attributes under
 * `FixedInformation`.
 */
export function readBrml(bytes: Uint8Array, fileName: string): XrdPattern {
  const members = unzipMembers(bytes, fileName, (p) => /(^|\/)RawData\d+\.xml$/i.test(p));
  const paths = Object.keys(members).sort((a, b) => rawIndex(a) - rawIndex(b));
  if (paths.length === 0) throw new FormatError(fileName, 'no RawData*.xml inside the archive');
  const scans: ScanInit[] = [];
  for (const path of paths) {
    const where = `${fileName}:${path}`;
    const raw = child(parseXml(decodeText(members[path]), where), 'RawData');
    if (!raw) throw new FormatError(where, 'no <RawData> root');
    const meta: Record<string, string> = { 'strata.member': path };
    for (const k of ['TimeStampStarted', 'TimeStampFinished']) if (childText(raw, k)) meta[k] = childText(raw, k)!;
    flattenLeaves(child(raw, 'Identifier'), 'Identifier', meta);
    flattenLeaves(child(raw, 'SampleInformation'), 'SampleInformation', meta);
    const fixed = child(raw, 'FixedInformation');
    const value = (name: string): number | undefined => optionalNumber(attr(findAll(fixed, name)[0], 'Value') ?? text(findAll(fixed, name)[0]));
    const wavelength = wavelengthFrom(value('WaveLengthAlpha1'), value('WaveLengthAlpha2'), value('WaveLengthRatio'));
    for (const route of children(child(raw, 'DataRoutes'), 'DataRoute')) {
      const scan = readRoute(where, route, wavelength, meta);
      if (scan) scans.push(scan);
    }
  }
  return patternFromScans(fileName, scans);
}

function rawIndex(path: string): number {
  return Number(/RawData(\d+)\.xml$/i.exec(path)?.[1] ?? 0);
}

function readRoute(where: string, route: XmlNode, wavelength: ScanInit['wavelength'], fileMeta: Record<string, string>): ScanInit | null {
  const info = child(route, 'ScanInformation');
  const datums = children(route, 'Datum').map((d) => text(d) ?? '');
  if (datums.length === 0) return null;
  assertPointCount(where, 'Datum records', datums.length);
  const metadata: Record<string, string> = { ...fileMeta };
  flattenLeaves(info, 'ScanInformation', metadata);
  const axes = children(child(info, 'ScanAxes'), 'ScanAxisInfo');
  const tt = axes.find((a) => /^(TwoTheta|2Theta)$/i.test(attr(a, 'AxisId') ?? attr(a, 'AxisName') ?? '')) ?? axes[0];
  const startDeg = optionalNumber(childText(tt, 'Start'));
  const stopDeg = optionalNumber(childText(tt, 'Stop'));
  const rows = datums.map((d, i) =>
    d.split(',').map((s) => {
      const v = Number(s.trim());
      if (s.trim() === '' || !Number.isFinite(v)) throw new FormatError(where, `Datum ${i + 1}: '${s.trim().slice(0, 20)}' is not a number`);
      return v;
    }),
  );
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) throw new FormatError(where, 'Datum records differ in length');
  const fields = findAll(child(route, 'DataViews'), 'FieldDefinitions').map((f) => ({
    name: (attr(f, 'Name') ?? attr(f, 'LogicName') ?? attr(f, 'FieldName') ?? '').toLowerCase(),
    index: optionalNumber(attr(f, 'Index')),
  }));
  const byName = (re: RegExp): number | undefined => fields.find((f) => re.test(f.name) && f.index !== undefined)?.index;
  let angleCol = byName(/^(2theta|twotheta)$/);
  let countCol = byName(/count|intensity/);
  if (angleCol === undefined) {
    const n = rows.length;
    angleCol = [...Array(width).keys()].find((c) => startDeg !== undefined && stopDeg !== undefined && Math.abs(rows[0][c] - startDeg) < 1e-6 && Math.abs(rows[n - 1][c] - stopDeg) < 1e-6) ?? 2;
  }
  if (countCol === undefined) countCol = width - 1;
  if (angleCol >= width || countCol >= width) throw new FormatError(where, `Datum records have ${width} fields, too few for the layout`);
  metadata['strata.datumLayout'] = `2θ = field ${angleCol}, counts = field ${countCol} of ${width}`;
  return {
    source: { fileName: where.split(':')[0], format: 'bruker-brml' },
    twoThetaDeg: Float64Array.from(rows, (r) => r[angleCol!]),
    intensity: Float64Array.from(rows, (r) => r[countCol!]),
    intensityUnit: 'counts',
    wavelength,
    metadata,
  };
}
