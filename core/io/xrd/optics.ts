import type { XrdOptics } from '../../model/xrdPattern.js';
import { attr, child, childText, children, findAll, text } from './xml.js';
import type { XmlNode } from './xml.js';

/**
 * The beam optics a file records (a β filter, a monochromator before or after the sample), read
 * into one normalised form. Only what the measurement used counts, not what the instrument has:
 * a Rigaku header lists the installed hardware (`HW_COUNTER_NAME-4 "Detector monochromator"`
 * on gredig_MB120718Si3.ras) beside the measurement's own settings
 * (`MEAS_COND_AXIS_POSITION` of the `CounterMonochromator` axis: "None" on the same file), and
 * the settings decide. Where a file is silent on any of the three, `known` is false.
 */

/** The usual β filter of each anode: a "Cu_K-beta" filter is the Cu tube's Ni foil. */
const FILTER_OF_ANODE: Record<string, string> = { Cu: 'Ni', Co: 'Fe', Mo: 'Zr', Cr: 'V', Fe: 'Mn', Ag: 'Pd' };
const ELEMENT_NAMES: Record<string, string> = { nickel: 'Ni', iron: 'Fe', zirconium: 'Zr', vanadium: 'V', manganese: 'Mn', palladium: 'Pd', rhodium: 'Rh', niobium: 'Nb' };
const FILTER_SYMBOLS = new Set(Object.values(ELEMENT_NAMES));

/**
 * The filter's element from the name a file gives it: "Cu_K-beta" / "Cu K-beta" / "CuKb" (the
 * filter for that anode's Kβ), "Beta-filter Nickel", "Ni", "Ni_filter"; null where none can be read.
 */
export function filterMaterial(name: string): string | null {
  const forAnode = /(?:^|[^A-Za-z])(Cu|Co|Mo|Cr|Fe|Ag)[\s_-]*K[\s_-]*(?:beta|β|b)(?![a-z])/i.exec(name);
  if (forAnode) {
    const anode = forAnode[1][0].toUpperCase() + forAnode[1].slice(1).toLowerCase();
    return FILTER_OF_ANODE[anode] ?? null;
  }
  const word = /[a-z]+/gi;
  for (const m of name.matchAll(word)) {
    const named = ELEMENT_NAMES[m[0].toLowerCase()];
    if (named) return named;
    if (FILTER_SYMBOLS.has(m[0])) return m[0];
  }
  return null;
}

/** "日本語|English" (Rigaku's pairs) → the English part. */
const english = (v: string): string => {
  const parts = v.split('|');
  return parts[parts.length - 1].trim();
};
const isNone = (v: string): boolean => /^(none|no[_ ]?unit|not[_ ]?used|-)$/i.test(v.trim());
const isNumeric = (v: string): boolean => /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v.trim());
/** A crystal monochromator's name: "Ge(220)x2", "Ge (220)", "Hybrid monochromator", "Graphite", "Detector monochromator". */
const looksMonochromator = (v: string): boolean => /monochro|\b(Ge|Si|LiF|HOPG|InSb)\s*\(?\s*\d{3}|graphite|channel[\s_-]?cut|\bx[24]\b|\)\s*x[24]/i.test(v);
const norm = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

type Slot = 'present' | 'none' | 'unknown';

function settle(filterKnown: boolean, filter: string | null, incident: Slot, diffracted: Slot, evidence: string[]): XrdOptics {
  const monochromator = incident === 'present' ? 'incident' : diffracted === 'present' ? 'diffracted' : null;
  const known = monochromator !== null || (filterKnown && incident === 'none' && diffracted === 'none');
  return { kBetaFilter: filter, monochromator, known, filterRecorded: filterKnown, evidence: evidence.join('; ') };
}

/** A measurement-condition axis of a Rigaku file: its (internal) name and position. */
export interface RigakuAxis {
  name: string;
  position: string;
}

const INCIDENT_AXES = new Set(['incidentmonochromator', 'incidentoptics']);
const DIFFRACTED_AXES = new Set(['countermonochromator', 'countermonochromatorkind', 'detectormonochromator', 'diffractedbeammonochromator', 'categorydetectormonochromator']);

/**
 * Rigaku `.ras` / `.rasx`: the measurement's axes (`MEAS_COND_AXIS_NAME_INTERNAL-n` /
 * `MEAS_COND_AXIS_POSITION-n` in `.ras`, `<Axes><Axis Name Position>` and
 * `<Categories><Category Name SelectedUnit>` in `.rasx`):
 * - β filter: every axis named `*Filter*` (Filter, Filter1, Filter2, InFilter, DetectorFilter);
 *   "None" is none, a name ("Cu_K-beta", "Cu_K-beta_1D") is a filter, numbers say nothing;
 * - incident monochromator: the `IncidentMonochromator` (`.rasx`: `IncidentOptics`) slot, which
 *   holds either a crystal ("Ge(220)x2") or another optic ("IPS_adaptor", the parallel-slit
 *   adaptor: no monochromator); else `HW_I_MONOCHRO_NAME`; else, where the slot's position is
 *   only a number (older SmartLab files), the installed incident optics `HW_I_OPT_NAME-n`: none of
 *   them a monochromator means none was in the beam; a Ge(…) optics attribute is one;
 * - diffracted-beam monochromator: `CounterMonochromator` / `DetectorMonochromator` ("None" is
 *   none), else `HW_COUNTER_MONOCHRO_NAME`. The counters' list (`HW_COUNTER_NAME-n`) is installed
 *   hardware, not the measurement's, and is not read.
 */
export function rigakuOptics(axes: readonly RigakuAxis[], header: Record<string, string>, opticsAttribute?: string): XrdOptics {
  const evidence: string[] = [];
  let filterKnown = false;
  let filter: string | null = null;
  for (const a of axes) {
    if (!/filter/.test(norm(a.name))) continue;
    const v = english(a.position);
    if (v === '' || isNumeric(v)) continue;
    filterKnown = true;
    evidence.push(`${a.name} = ${a.position}`);
    if (!isNone(v) && !/^open$/i.test(v)) filter ??= filterMaterial(v) ?? v;
  }

  let incident: Slot = 'unknown';
  const inc = axes.find((a) => INCIDENT_AXES.has(norm(a.name)) && english(a.position) !== '' && !isNumeric(english(a.position)));
  const incName = header.HW_I_MONOCHRO_NAME ?? header.HW_I_MONOCHRO_NAME_INTERNAL;
  if (inc) {
    incident = looksMonochromator(english(inc.position)) ? 'present' : 'none';
    evidence.push(`${inc.name} = ${inc.position}`);
  } else if (incName !== undefined && english(incName) !== '') {
    incident = looksMonochromator(english(incName)) ? 'present' : 'none';
    evidence.push(`HW_I_MONOCHRO_NAME = ${incName}`);
  } else {
    const installed = Object.keys(header)
      .filter((k) => /^HW_I_OPT_NAME-\d+$/.test(k))
      .map((k) => english(header[k]))
      .filter((v) => v !== '' && !isNone(v));
    if (installed.length) {
      incident = installed.some(looksMonochromator) ? 'unknown' : 'none';
      evidence.push(`incident optics installed: ${installed.join(', ')}`);
    }
  }
  if (opticsAttribute && looksMonochromator(opticsAttribute)) {
    incident = 'present';
    evidence.push(`optics = ${opticsAttribute}`);
  }

  let diffracted: Slot = 'unknown';
  const dif = axes.find((a) => DIFFRACTED_AXES.has(norm(a.name)) && english(a.position) !== '' && !isNumeric(english(a.position)));
  const difName = header.HW_COUNTER_MONOCHRO_NAME ?? header.HW_COUNTER_MONOCHRO_NAME_INTERNAL;
  if (dif) {
    diffracted = isNone(english(dif.position)) ? 'none' : 'present';
    evidence.push(`${dif.name} = ${dif.position}`);
  } else if (difName !== undefined && english(difName) !== '' && !isNumeric(english(difName))) {
    diffracted = isNone(english(difName)) ? 'none' : 'present';
    evidence.push(`HW_COUNTER_MONOCHRO_NAME = ${difName}`);
  }
  return settle(filterKnown, filter, incident, diffracted, evidence);
}

/** The axes of a `.ras` header: `MEAS_COND_AXIS_NAME_INTERNAL-n` (else `MEAS_COND_AXIS_NAME-n`) with `MEAS_COND_AXIS_POSITION-n`. */
export function rasAxes(header: Record<string, string>): RigakuAxis[] {
  const axes: RigakuAxis[] = [];
  for (const key of Object.keys(header)) {
    const m = /^MEAS_COND_AXIS_POSITION-(\d+)$/.exec(key);
    if (!m) continue;
    const name = header[`MEAS_COND_AXIS_NAME_INTERNAL-${m[1]}`] || header[`MEAS_COND_AXIS_NAME-${m[1]}`];
    if (name) axes.push({ name: english(name), position: header[key] });
  }
  return axes;
}

/**
 * Rigaku `.asc`: `*FILTER` (a filter's name, or "None"), `*I_MONOCHRO` (the incident slot:
 * "Ge(220)x2, 0.000000" or another optic, "Soller_slit_5.0deg, 0.000000") and `*C_MONOCHRO` (the
 * counter monochromator, "None, 0.000000"), each name before its comma.
 */
export function ascOptics(meta: Record<string, string>): XrdOptics {
  const evidence: string[] = [];
  const first = (k: string): string | undefined => (meta[k] === undefined ? undefined : meta[k].split(',')[0].trim());
  let filterKnown = false;
  let filter: string | null = null;
  const f = first('FILTER');
  if (f !== undefined && f !== '' && !isNumeric(f)) {
    filterKnown = true;
    evidence.push(`FILTER = ${meta.FILTER}`);
    if (!isNone(f)) filter = filterMaterial(f) ?? f;
  }
  let incident: Slot = 'unknown';
  const i = first('I_MONOCHRO');
  if (i !== undefined && i !== '' && !isNumeric(i)) {
    incident = looksMonochromator(i) ? 'present' : 'none';
    evidence.push(`I_MONOCHRO = ${meta.I_MONOCHRO}`);
  }
  let diffracted: Slot = 'unknown';
  const c = first('C_MONOCHRO');
  if (c !== undefined && c !== '' && !isNumeric(c)) {
    diffracted = isNone(c) ? 'none' : 'present';
    evidence.push(`C_MONOCHRO = ${meta.C_MONOCHRO}`);
  }
  return settle(filterKnown, filter, incident, diffracted, evidence);
}

/** Element names of a beam path's components, except those listed (the tube, the detector, the radius). */
function components(path: XmlNode | undefined, except: readonly string[]): string[] {
  if (!path) return [];
  return Object.keys(path).filter((k) => !k.startsWith('@_') && k !== '#text' && !except.includes(k));
}

/**
 * XRDML: the optics modules of `incidentBeamPath` and `diffractedBeamPath` as the data collector
 * wrote them: a `<monochromator>` in either ("Hybrid monochromator 2xGe(220)" before the sample,
 * a curved graphite one after it), a `<filter>` with its `<material>` ("Beta-filter Nickel":
 * Ni). The optics are known where either path holds a monochromator, or both paths list their
 * modules (anything besides the tube and the detector) without one: a file that lists its slits
 * and no filter had none. A path reduced to its tube or detector (as converters write) says nothing.
 */
export function xrdmlOptics(measurement: XmlNode): XrdOptics {
  const ib = child(measurement, 'incidentBeamPath');
  const db = child(measurement, 'diffractedBeamPath');
  const evidence: string[] = [];
  const nameOf = (n: XmlNode): string => attr(n, 'name') ?? childText(n, 'crystal') ?? '';
  const incidentMono = findAll(ib, 'monochromator');
  const diffractedMono = findAll(db, 'monochromator');
  incidentMono.forEach((m) => evidence.push(`incidentBeamPath monochromator ${nameOf(m)}`.trim()));
  diffractedMono.forEach((m) => evidence.push(`diffractedBeamPath monochromator ${nameOf(m)}`.trim()));
  let filter: string | null = null;
  for (const [side, path] of [['incidentBeamPath', ib], ['diffractedBeamPath', db]] as const) {
    for (const f of findAll(path, 'filter')) {
      const material = text(child(f, 'material')) ?? '';
      const name = attr(f, 'name') ?? '';
      evidence.push(`${side} filter ${[name, material].filter((s) => s !== '').join(', ')}`.trim());
      filter ??= filterMaterial(material) ?? filterMaterial(name) ?? (material || name || 'unnamed');
    }
  }
  const ibParts = components(ib, ['xRayTube', 'radius']);
  const dbParts = components(db, ['detector', 'radius']);
  if (ibParts.length || dbParts.length) evidence.push(`modules: incident ${ibParts.join(', ') || '—'}; diffracted ${dbParts.join(', ') || '—'}`);
  const listed = ibParts.length > 0 && dbParts.length > 0;
  const slot = (monos: XmlNode[]): Slot => (monos.length ? 'present' : listed ? 'none' : 'unknown');
  return settle(listed, filter, slot(incidentMono), slot(diffractedMono), evidence);
}

/** The `<Axes>` and `<Categories>` of a `.rasx` measurement-conditions file, as Rigaku axes. */
export function rasxAxes(root: XmlNode | undefined): RigakuAxis[] {
  const axes: RigakuAxis[] = [];
  for (const a of children(child(root, 'Axes'), 'Axis')) {
    const name = attr(a, 'Name');
    const position = attr(a, 'Position');
    if (name && position !== undefined) axes.push({ name, position });
  }
  for (const c of children(child(child(root, 'HWConfigurations'), 'Categories'), 'Category')) {
    const name = attr(c, 'Name');
    const unit = attr(c, 'SelectedUnit');
    if (name && unit !== undefined) axes.push({ name: `Category ${name}`, position: unit });
  }
  return axes;
}

/** "Ni β filter, no monochromator (FILTER = Cu_K-beta; …)", or "not recorded" — for `strata info`. */
export function describeOptics(optics: XrdOptics | undefined): string {
  if (!optics || !optics.known) return `not recorded${optics?.evidence ? ` (the file says only: ${optics.evidence})` : ''}`;
  const what = optics.monochromator
    ? `${optics.monochromator === 'incident' ? 'incident-beam' : 'diffracted-beam'} monochromator`
    : optics.kBetaFilter
      ? `${optics.kBetaFilter} β filter, no monochromator`
      : 'no β filter, no monochromator';
  return `${what} (${optics.evidence})`;
}
