import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { decodeText, optionalNumber, parseNumberAt, patternFromScans, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';
import { child, childText, children, flattenLeaves, parseXml, text } from './xml.js';
import { unzipMembers } from './zip.js';
import { rasxAxes, rigakuOptics } from './optics.js';
import type { XrdOptics } from '../../model/xrdPattern.js';

/**
 * Rigaku SmartLab Studio II `.rasx`: a zip with `root.xml`, and per scan n
 * `Data{n}/MesurementConditions{n}.xml` (Rigaku's spelling; the corrected spelling is accepted
 * too) and `Data{n}/Profile{n}.txt` (UTF-8 with BOM, tab-separated angle, counts, attenuation
 * factor; intensity = counts × factor, as in `.ras`). The conditions carry the wavelengths, the
 * scan description and a copy of the RAS header (`RASHeader/Pair`), all kept in `metadata`.
 */
export function readRasx(bytes: Uint8Array, fileName: string): XrdPattern {
  const members = unzipMembers(bytes, fileName, (p) => /(^|\/)Data\d+\/(Profile\d+\.txt|Mea?surementConditions\d+\.xml)$/i.test(p));
  const profiles = Object.keys(members)
    .map((p) => ({ path: p, m: /(?:^|\/)Data(\d+)\/Profile(\d+)\.txt$/i.exec(p) }))
    .filter((x): x is { path: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]));
  if (profiles.length === 0) throw new FormatError(fileName, 'no Data*/Profile*.txt inside the archive');

  const scans: ScanInit[] = profiles.map(({ path, m }) => {
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    const condPath = Object.keys(members).find((p) => p.startsWith(dir) && new RegExp(`Mea?surementConditions${m[2]}\\.xml$`, 'i').test(p));
    const metadata: Record<string, string> = { 'strata.member': path, 'strata.intensity': 'counts × attenuation factor (column 3)' };
    let wavelength = null;
    let unit: XrdPattern['intensityUnit'] = 'counts';
    let optics: XrdOptics | undefined;
    if (condPath) {
      const xml = parseXml(decodeText(members[condPath]), `${fileName}:${condPath}`);
      const root = child(xml, 'MeasurementConditions');
      flattenLeaves(child(root, 'GeneralInformation'), 'GeneralInformation', metadata);
      flattenLeaves(child(root, 'ScanInformation'), 'ScanInformation', metadata);
      const xg = child(child(root, 'HWConfigurations'), 'XrayGenerator');
      flattenLeaves(xg, 'XrayGenerator', metadata);
      // The RAS header copy: Pair = two <string> children, key then value.
      for (const pair of children(child(root, 'RASHeader'), 'Pair')) {
        const strings = children(pair, 'string');
        const key = text(strings[0]);
        if (key) metadata[key.replace(/^\*/, '')] = text(strings[1]) ?? '';
      }
      const header: Record<string, string> = {};
      for (const pair of children(child(root, 'RASHeader'), 'Pair')) {
        const strings = children(pair, 'string');
        const key = text(strings[0]);
        if (key) header[key.replace(/^\*/, '')] = text(strings[1]) ?? '';
      }
      const opticsNode = child(child(root, 'HWConfigurations'), 'Optics');
      const axes = rasxAxes(root);
      for (const a of axes) metadata[a.name.startsWith('Category ') ? `HWConfigurations.Categories.${a.name.slice(9)}` : `Axes.${a.name}`] ??= a.position;
      if (opticsNode) flattenLeaves(opticsNode, 'Optics', metadata);
      optics = rigakuOptics(axes, header, childText(opticsNode, 'Attribute'));
      wavelength = wavelengthFrom(optionalNumber(childText(xg, 'WavelengthKalpha1')), optionalNumber(childText(xg, 'WavelengthKalpha2')));
      if ((childText(child(root, 'ScanInformation'), 'IntensityUnit') ?? '').toLowerCase() === 'cps') unit = 'cps';
    } else {
      metadata['strata.warning'] = `no measurement conditions beside ${path}`;
    }
    const angles: number[] = [];
    const values: number[] = [];
    const lines = decodeText(members[path]).split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const cols = line.split(/[\t ,]+/);
      const where = `${fileName}:${path}`;
      if (cols.length < 2) throw new FormatError(where, 'profile row needs angle and counts', { line: i + 1 });
      const factor = cols.length >= 3 ? parseNumberAt(where, cols[2], i + 1, 'attenuation factor') : 1;
      angles.push(parseNumberAt(where, cols[0], i + 1, 'angle'));
      values.push(parseNumberAt(where, cols[1], i + 1, 'count') * factor);
    });
    return {
      source: { fileName, format: 'rigaku-rasx' },
      twoThetaDeg: Float64Array.from(angles),
      intensity: Float64Array.from(values),
      intensityUnit: unit,
      wavelength,
      metadata,
      ...(optics ? { optics } : {}),
    };
  });
  return patternFromScans(fileName, scans);
}
