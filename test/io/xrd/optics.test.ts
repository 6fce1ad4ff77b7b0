import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { readAsc } from '../../../core/io/xrd/asc.js';
import { readBrml } from '../../../core/io/xrd/brml.js';
import { readRas } from '../../../core/io/xrd/ras.js';
import { readRasx } from '../../../core/io/xrd/rasx.js';
import { readXrdml } from '../../../core/io/xrd/xrdml.js';
import { readXyText } from '../../../core/io/xrd/xyText.js';
import { describeOptics, filterMaterial } from '../../../core/io/xrd/optics.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../helpers/sharedData.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bare = (o: { kBetaFilter: string | null; monochromator: string | null; known: boolean } | undefined) =>
  o && { kBetaFilter: o.kBetaFilter, monochromator: o.monochromator, known: o.known };

describeShared('beam optics of the real Rigaku files (../shared/data/xrd)', () => {
  it('SmartLab .ras: Filter and CounterMonochromator axes "None", no monochromator among the incident optics', () => {
    const p = readRas(readSharedData('xrd', 'gredig_MB120718Si3.ras'), 'gredig_MB120718Si3.ras');
    // The header lists a "Detector monochromator" among the installed counters and a "Cu K-beta"
    // filter among the receiving optics; the measurement's own axes say neither was in the beam.
    expect(p.metadata['HW_COUNTER_NAME-4']).toBe('検出器モノクロメータ|Detector monochromator');
    expect(p.metadata['HW_R_OPT_NAME-5']).toBe('Cu Kβ|Cu K-beta');
    expect(p.metadata['MEAS_COND_AXIS_POSITION-27']).toBe('None');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: true });
    expect(p.optics!.evidence).toContain('Filter = None');
    expect(p.optics!.evidence).toContain('CounterMonochromator = None');
    expect(p.optics!.evidence).toContain('Incident parallel slit');
    expect(p.optics!.evidence).not.toContain('Detector monochromator');
  });

  it('SmartLab Studio II .rasx: Filter1/Filter2 None, IPS adaptor in the incident slot, DetectorMonochromator None', () => {
    const p = readRasx(readSharedData('xrd', 'gredig_RM20220915Si01.rasx'), 'gredig_RM20220915Si01.rasx');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: true });
    expect(p.optics!.evidence).toBe('Filter1 = None; Filter2 = None; IncidentOptics = IPS_adaptor; DetectorMonochromator = None');
    expect(p.metadata['Axes.DetectorMonochromator']).toBe('None');
    expect(p.metadata['HWConfigurations.Categories.DetectorMonochromator']).toBe('None');
    expect(p.metadata['Optics.Attribute']).toBe('PB');
  });

  it('Rigaku .asc: FILTER = Cu_K-beta (Ni), a Soller slit in the incident slot, C_MONOCHRO None', () => {
    const p = readAsc(readSharedData('xrd', 'gredig_2Theta.asc'), 'gredig_2Theta.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: true });
    expect(describeOptics(p.optics)).toBe('Ni β filter, no monochromator (FILTER = Cu_K-beta; I_MONOCHRO = Soller_slit_5.0deg, 0.000000; C_MONOCHRO = None, 0.000000)');
  });

  it('plain text: nothing recorded', () => {
    const p = readXyText(readSharedData('xrd', 'gredig_MnPcTheta.txt'), 'gredig_MnPcTheta.txt');
    expect(p.optics).toBeUndefined();
    expect(describeOptics(p.optics)).toBe('not recorded');
  });
});

describe('filter material from the names files give', () => {
  it.each([
    ['Cu_K-beta', 'Ni'],
    ['Cu_K-beta_1D', 'Ni'],
    ['Cu K-beta', 'Ni'],
    ['CuKb', 'Ni'],
    ['Co_K-beta', 'Fe'],
    ['Mo K-beta', 'Zr'],
    ['Beta-filter Nickel', 'Ni'],
    ['Ni', 'Ni'],
    ['Ni_filter', 'Ni'],
    ['Beta-filter Rhodium', 'Rh'],
    ['Kb_filter', null],
    ['None', null],
  ])('%s → %s', (name, material) => expect(filterMaterial(name)).toBe(material));
});

// ---- Rigaku .ras headers ----
function ras(header: Record<string, string>): Uint8Array {
  const lines = ['*RAS_DATA_START', '*RAS_HEADER_START', '*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"'];
  for (const [k, v] of Object.entries(header)) lines.push(`*${k} "${v}"`);
  lines.push('*RAS_HEADER_END', '*RAS_INT_START', '20.00 100 1', '20.02 101 1', '*RAS_INT_END', '*RAS_DATA_END');
  return enc(lines.join('\r\n'));
}
/** Measurement-condition axes as a SmartLab writes them: internal name and position per index. */
function axes(...pairs: Array<[string, string]>): Record<string, string> {
  const h: Record<string, string> = {};
  pairs.forEach(([name, position], i) => {
    h[`MEAS_COND_AXIS_NAME_INTERNAL-${i}`] = name;
    h[`MEAS_COND_AXIS_POSITION-${i}`] = position;
  });
  return h;
}

describe('beam optics from .ras headers', () => {
  it('a Kβ filter in the receiving slit box, the IPS adaptor in the incident slot, no counter monochromator', () => {
    const p = readRas(ras(axes(['InFilter', 'None'], ['Filter', 'Cu_K-beta_1D'], ['DetectorFilter', 'None'], ['IncidentMonochromator', 'IPS_adaptor'], ['CounterMonochromatorKind', 'None'])), 'bb.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: true });
  });

  it('a Ge(220)x2 incident monochromator', () => {
    const p = readRas(ras(axes(['Filter', 'None'], ['IncidentMonochromator', 'Ge(220)x2'], ['CounterMonochromator', 'None'])), 'hr.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'incident', known: true });
  });

  it('a Ge(220) channel-cut named only in the optics attribute', () => {
    const p = readRas(ras({ ...axes(['Filter', 'None'], ['CounterMonochromator', 'None']), MEAS_COND_OPT_ATTR: 'PB-Ge(220)x2_Compress' }), 'hr.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'incident', known: true });
  });

  it('a diffracted-beam (counter) monochromator, by internal or display axis name', () => {
    const byInternal = readRas(ras(axes(['Filter', 'None'], ['IncidentMonochromator', 'IPS_adaptor'], ['CounterMonochromator', 'Graphite'])), 'c.ras');
    expect(bare(byInternal.optics)).toEqual({ kBetaFilter: null, monochromator: 'diffracted', known: true });
    const byDisplay = readRas(ras({ 'MEAS_COND_AXIS_NAME-0': 'Diffracted beam monochromator', 'MEAS_COND_AXIS_POSITION-0': 'Detector_monochromator' }), 'd.ras');
    expect(byDisplay.optics?.monochromator).toBe('diffracted');
  });

  it('installed hardware alone is not the measurement: a listed detector monochromator or filter says nothing', () => {
    const p = readRas(ras({ 'HW_COUNTER_NAME-4': '検出器モノクロメータ|Detector monochromator', 'HW_R_OPT_NAME-5': 'Cu Kβ|Cu K-beta', HW_COUNTER_SELECT_NAME: 'SC-70|SC-70' }), 'hw.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
  });

  it('a numeric incident slot falls back to the installed incident optics: a monochromator among them leaves it open', () => {
    const withGe = readRas(ras({ ...axes(['Filter', 'None'], ['IncidentMonochromator', '0.0000000000'], ['CounterMonochromator', 'None']), 'HW_I_OPT_NAME-0': 'CBO unit', 'HW_I_OPT_NAME-1': 'Ge(220)x2 monochromator' }), 'ge.ras');
    expect(bare(withGe.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
    const without = readRas(ras({ ...axes(['Filter', 'None'], ['IncidentMonochromator', '0.0000000000'], ['CounterMonochromator', 'None']), 'HW_I_OPT_NAME-0': 'CBO unit', 'HW_I_OPT_NAME-1': 'Incident parallel slit' }), 'ips.ras');
    expect(bare(without.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: true });
  });

  it('a filter recorded, the monochromators not: not known (the filter is kept for the record)', () => {
    const p = readRas(ras(axes(['Filter', 'Cu_K-beta'])), 'f.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: false });
    expect(describeOptics(p.optics)).toBe('not recorded (the file says only: Filter = Cu_K-beta)');
    // The filter itself is recorded: the masks follow it.
    expect(p.optics?.filterRecorded).toBe(true);
    expect(readAsc(asc('*FILTER = None'), 'a.asc').optics?.filterRecorded).toBe(true);
    expect(readAsc(asc('*SAMPLE = x'), 'a.asc').optics?.filterRecorded).toBe(false);
  });

  it("the sample study's generated .ras records no optics", () => {
    const p = readRas(new Uint8Array(readFileSync(resolve(PROJECT_ROOT, 'samples/study/pristine/xrd.ras'))), 'xrd.ras');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
  });

  it('each scan of a multi-scan file carries its own header\'s optics', () => {
    const block = (h: Record<string, string>) => ['*RAS_HEADER_START', ...Object.entries(h).map(([k, v]) => `*${k} "${v}"`), '*RAS_HEADER_END', '*RAS_INT_START', '20 1 1', '20.02 2 1', '*RAS_INT_END'];
    const text = ['*RAS_DATA_START', ...block(axes(['Filter', 'Cu_K-beta'], ['IncidentMonochromator', 'IPS_adaptor'], ['CounterMonochromator', 'None'])), ...block(axes(['Filter', 'None'], ['IncidentMonochromator', 'Ge(400)x2'], ['CounterMonochromator', 'None'])), '*RAS_DATA_END'].join('\n');
    const p = readRas(enc(text), 'two.ras');
    expect(p.optics?.kBetaFilter).toBe('Ni');
    expect(p.otherScans?.[0].optics?.monochromator).toBe('incident');
  });
});

// ---- Rigaku .asc ----
function asc(header: string): Uint8Array {
  return enc(`*TYPE = Raw\n${header}\n*WAVE_LENGTH1 = 1.54059\n*BEGIN\n*START = 20\n*STOP = 20.02\n*STEP = 0.02\n*COUNT = 2\n100, 101\n*END\n*EOF\n`);
}

describe('beam optics from .asc headers', () => {
  it('a Ge(220)x2 in the incident slot', () => {
    const p = readAsc(asc('*I_MONOCHRO = Ge(220)x2, 0.000000\n*FILTER = None\n*C_MONOCHRO = None, 0.000000'), 'a.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'incident', known: true });
  });
  it('a counter monochromator', () => {
    const p = readAsc(asc('*I_MONOCHRO = Soller_slit_5.0deg, 0.000000\n*FILTER = None\n*C_MONOCHRO = Graphite, 0.000000'), 'a.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'diffracted', known: true });
  });
  it('neither', () => {
    const p = readAsc(asc('*I_MONOCHRO = Soller_slit_5.0deg, 0.000000\n*FILTER = None\n*C_MONOCHRO = None, 0.000000'), 'a.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: true });
  });
  it('a filter alone: not known', () => {
    const p = readAsc(asc('*FILTER = Cu_K-beta'), 'a.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: false });
  });
  it('no optics keys at all: not known', () => {
    const p = readAsc(asc('*SAMPLE = x'), 'a.asc');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
  });
});

// ---- Rigaku .rasx ----
function rasx(axesXml: string, header: Array<[string, string]> = [], optics = ''): Uint8Array {
  const pairs = header.map(([k, v]) => `<Pair><string>${k}</string><string>${v}</string></Pair>`).join('');
  const cond = `<?xml version="1.0" encoding="utf-8"?><MeasurementConditions><HWConfigurations>${optics}<XrayGenerator><WavelengthKalpha1>1.540593</WavelengthKalpha1></XrayGenerator></HWConfigurations><Axes>${axesXml}</Axes><RASHeader>${pairs}</RASHeader></MeasurementConditions>`;
  return zipSync({ 'root.xml': strToU8('<Root/>'), 'Data0/MesurementConditions0.xml': strToU8(cond), 'Data0/Profile0.txt': strToU8('20.00\t100\t1\n20.02\t101\t1\n') });
}
const axis = (name: string, position: string): string => `<Axis Name="${name}" Unit="" Offset="0" Position="${position}" State="Fixed" Resolution="" />`;

describe('beam optics from .rasx measurement conditions', () => {
  it('a Kβ filter in receiving slit box 1', () => {
    const p = readRasx(rasx(axis('Filter1', 'Cu_K-beta') + axis('Filter2', 'None') + axis('IncidentOptics', 'IPS_adaptor') + axis('DetectorMonochromator', 'None')), 'f.rasx');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: true });
  });
  it('an incident Ge(220)x2, from the incident slot or the optics attribute', () => {
    const slot = readRasx(rasx(axis('Filter1', 'None') + axis('IncidentOptics', 'Ge(220)x2') + axis('DetectorMonochromator', 'None')), 'g.rasx');
    expect(slot.optics?.monochromator).toBe('incident');
    const attribute = readRasx(rasx(axis('Filter1', 'None') + axis('DetectorMonochromator', 'None'), [], '<Optics><Name>x</Name><Attribute>PB-Ge(220)x2_Compress</Attribute></Optics>'), 'g.rasx');
    expect(bare(attribute.optics)).toEqual({ kBetaFilter: null, monochromator: 'incident', known: true });
  });
  it('a detector monochromator from the RAS header copy where the axes do not say', () => {
    const p = readRasx(rasx(axis('Filter1', 'None') + axis('IncidentOptics', 'IPS_adaptor'), [['*HW_COUNTER_MONOCHRO_NAME', 'Graphite_monochromator']]), 'd.rasx');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'diffracted', known: true });
  });
  it('no axes: not known', () => {
    const p = readRasx(rasx(''), 'n.rasx');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
  });
});

// ---- PANalytical XRDML ----
function xrdml(incident: string, diffracted: string | null): Uint8Array {
  const db = diffracted === null ? '' : `<diffractedBeamPath><radius unit="mm">240.00</radius>${diffracted}<detector name="PIXcel1D" xsi:type="linearDetectorType"/></diffractedBeamPath>`;
  return enc(`<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" status="Completed">
  <xrdMeasurement measurementType="Scan" status="Completed">
    <usedWavelength intended="K-Alpha"><kAlpha1 unit="Angstrom">1.5405980</kAlpha1></usedWavelength>
    <incidentBeamPath><radius unit="mm">240.00</radius><xRayTube name="LFF Cu"><anodeMaterial>Cu</anodeMaterial></xRayTube>${incident}</incidentBeamPath>
    ${db}
    <scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed"><dataPoints><positions axis="2Theta" unit="deg"><startPosition>20.00</startPosition><endPosition>20.02</endPosition></positions><counts unit="counts">100 101</counts></dataPoints></scan>
  </xrdMeasurement>
</xrdMeasurements>`);
}
const slits = '<sollerSlit name="Soller slits 0.04 rad."><opening unit="rad">0.04</opening></sollerSlit><divergenceSlit name="Fixed slit"><angle unit="deg">0.5</angle></divergenceSlit>';

describe('beam optics from XRDML beam paths', () => {
  it('a nickel β filter in the diffracted beam', () => {
    const p = readXrdml(xrdml(slits, '<antiScatterSlit name="Fixed"/><filter name="Beta-filter Nickel"><material>Ni</material><thickness unit="mm">0.020</thickness></filter>'), 'f.xrdml');
    expect(bare(p.optics)).toEqual({ kBetaFilter: 'Ni', monochromator: null, known: true });
    expect(p.optics?.evidence).toContain('diffractedBeamPath filter Beta-filter Nickel, Ni');
    expect(p.metadata['diffractedBeamPath.filter.material']).toBe('Ni');
  });
  it('a hybrid monochromator before the sample', () => {
    const p = readXrdml(xrdml('<xRayMirror name="Hybrid"/><monochromator name="Hybrid monochromator 2xGe(220)"><crystal>Ge (220)</crystal></monochromator>', '<receivingSlit name="x"/>'), 'h.xrdml');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'incident', known: true });
  });
  it('a monochromator after the sample', () => {
    const p = readXrdml(xrdml(slits, '<monochromator name="Curved graphite"><crystal>Graphite</crystal></monochromator>'), 'd.xrdml');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: 'diffracted', known: true });
  });
  it('both paths list their modules, no filter or monochromator among them: neither', () => {
    const p = readXrdml(xrdml(slits + '<xRayMirror name="Bragg-Brentano HD"/>', '<antiScatterSlit name="Fixed"/><sollerSlit name="Soller 0.04"/>'), 'n.xrdml');
    expect(bare(p.optics)).toEqual({ kBetaFilter: null, monochromator: null, known: true });
  });
  it('paths reduced to the tube and the detector (a converter\'s file), or no diffracted path: not known', () => {
    expect(bare(readXrdml(xrdml('', ''), 'c.xrdml').optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
    expect(bare(readXrdml(xrdml(slits, null), 'c.xrdml').optics)).toEqual({ kBetaFilter: null, monochromator: null, known: false });
  });
});

describe('readers that do not read optics', () => {
  it('Bruker .brml: not recorded', () => {
    const raw = `<RawData><FixedInformation><Instrument><WaveLengthAlpha1 Value="1.5406"/></Instrument></FixedInformation><DataRoutes><DataRoute><ScanInformation><ScanAxes><ScanAxisInfo AxisId="TwoTheta"><Start>20</Start><Stop>20.02</Stop></ScanAxisInfo></ScanAxes></ScanInformation><Datum>1,1,20,10,100</Datum><Datum>1,1,20.02,10.01,101</Datum></DataRoute></DataRoutes></RawData>`;
    const p = readBrml(zipSync({ 'Experiment0/RawData0.xml': strToU8(raw) }), 'b.brml');
    expect(p.optics).toBeUndefined();
  });
});
