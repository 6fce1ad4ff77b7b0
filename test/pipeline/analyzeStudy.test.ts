import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeStudyOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { writeReportFiles } from '../../core/node/reportFiles.js';
import type { Report } from '../../core/model/report.js';
import type { Truth } from '../../samples/truth.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');
const truth = JSON.parse(readFileSync(join(STUDY, 'truth.json'), 'utf8')) as Truth;

function checksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex') + ':' + statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return out;
}

describe('study analysis end to end on the sample study', () => {
  let report: Report;
  let before: Map<string, string>;
  beforeAll(async () => {
    before = checksums(STUDY);
    report = await analyzeStudyOnDisk(await loadStudy(STUDY));
  }, 120_000);

  it('never modifies the raw data (checksums and mtimes before and after)', () => {
    expect(checksums(STUDY)).toEqual(before);
  });

  it('follows the report contract', () => {
    expect(report.schema).toBe('strata.report/1');
    expect(report.states.map((s) => s.state)).toEqual(['pristine', 'charged', 'discharged']);
    for (const s of report.states) {
      for (const l of s.sims!.layers) for (const k of ['role', 'startS', 'endS', 'startNm', 'endNm', 'widthNm'] as const) expect(l[k]).toBeDefined();
      for (const l of s.sims!.li) for (const k of ['role', 'counts', 'sigma', 'fraction', 'fractionSigma'] as const) expect(l[k]).toBeDefined();
      expect(s.sem).toMatchObject({ pixelSizeSource: expect.any(String) });
    }
    for (const c of report.comparison.li) for (const k of ['role', 'state', 'deltaFraction', 'sigma'] as const) expect(c[k]).toBeDefined();
    // Provenance: every data file with its checksum, the parameters, the version.
    expect(report.provenance.inputs.length).toBeGreaterThanOrEqual(12);
    for (const i of report.provenance.inputs) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.provenance.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('takes the depth axis from the SEM thicknesses of the same state', () => {
    for (const s of report.states) expect(s.sims!.depthCalibration).toBe('sem');
  });

  it('puts every interface within max(10 nm, 2 scans) of the truth', () => {
    const rate = new Map(truth.layers.map((l) => [l.role, l.sputterRateNmPerS]));
    for (const s of report.states) {
      const ts = truth.states.find((t) => t.state === s.state)!;
      expect(s.sims!.interfaces).toHaveLength(ts.boundaries.length);
      ts.boundaries.forEach((b, k) => {
        const found = s.sims!.interfaces[k];
        const slower = Math.min(rate.get(b.upper)!, rate.get(b.lower)!);
        const tolNm = Math.max(10, 2 * truth.scanPeriodS * slower);
        expect(Math.abs(found.depthNm - b.depthNm), `${s.state} ${b.upper}/${b.lower}`).toBeLessThanOrEqual(tolNm);
        expect(Math.abs(found.timeS - b.timeS), `${s.state} ${b.upper}/${b.lower}`).toBeLessThanOrEqual(tolNm / slower);
      });
    }
  });

  it('gets every Li fraction within 0.02 of the truth and the charged shift signs right', () => {
    for (const s of report.states) {
      const ts = truth.states.find((t) => t.state === s.state)!;
      for (const t of ts.liFraction) {
        const got = s.sims!.li.find((l) => l.role === t.role)!;
        expect(Math.abs(got.fraction - t.fraction), `${s.state} ${t.role}`).toBeLessThanOrEqual(0.02);
      }
    }
    const fraction = (state: string, role: string) => truth.states.find((t) => t.state === state)!.liFraction.find((f) => f.role === role)!.fraction;
    let checked = 0;
    for (const c of report.comparison.li.filter((x) => x.state === 'charged')) {
      const truthDelta = fraction('charged', c.role) - fraction('pristine', c.role);
      if (Math.abs(truthDelta) > 3 * c.sigma) {
        checked++;
        expect(Math.sign(c.deltaFraction), c.role).toBe(Math.sign(truthDelta));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('measures SEM thicknesses within max(3 %, 2 px) of the truth', () => {
    for (const s of report.states) {
      const ts = truth.states.find((t) => t.state === s.state)!;
      for (const t of ts.sem.layers) {
        const got = s.sem!.layers.find((l) => l.role === t.role);
        if (!got) continue; // the substrate's lower edge may be out of the image
        expect(Math.abs(got.thicknessNm - t.thicknessNm), `${s.state} ${t.role}`).toBeLessThanOrEqual(Math.max(0.03 * t.thicknessNm, 2 * ts.sem.pixelSizeNm));
      }
      expect(s.sem!.layers.filter((l) => l.role !== 'substrate')).toHaveLength(4);
    }
  });

  it('takes interfaces set by hand for one state, and the Li shares follow them', async () => {
    const charged = report.states.find((s) => s.state === 'charged')!.sims!;
    const found = charged.interfaces.map((i) => i.timeS);
    const moved = found.map((t, i) => (i === 0 ? t + 100 : t));
    const edited = await analyzeStudyOnDisk(await loadStudy(STUDY), { overrides: { interfacesS: { charged: moved } } });
    const editedCharged = edited.states.find((s) => s.state === 'charged')!.sims!;
    expect(editedCharged.interfaces.map((i) => i.timeS)).toEqual(moved);
    expect(editedCharged.layers[0].endS).toBe(moved[0]);
    // Moving the CC/AAM | SEI/SE interface 100 s deeper moves Li from SEI/SE into CC/AAM.
    const share = (sims: typeof charged, role: string) => sims.li.find((l) => l.role === role)!.fraction;
    expect(share(editedCharged, 'cc_aam')).toBeGreaterThan(share(charged, 'cc_aam') + 0.01);
    expect(share(editedCharged, 'sei_se')).toBeLessThan(share(charged, 'sei_se') - 0.01);
    // The interfaces left where the analysis found them (the workbench sends them all) keep their
    // markers' σ; only the moved one has the σ of a time placed by hand (its scan's Δt/√12).
    const scanS = (charged.parameters?.segmentation as { scanS: number }).scanS;
    charged.interfaces.forEach((before, i) => {
      const after = editedCharged.interfaces[i];
      if (i === 0) expect(after.timeSigmaS).toBeCloseTo(scanS / Math.sqrt(12), 9);
      else expect(after.timeSigmaS, `interface ${i}`).toBe(before.timeSigmaS);
    });
    expect(charged.interfaces.slice(1).some((i) => Math.abs(i.timeSigmaS! - scanS / Math.sqrt(12)) > 0.01)).toBe(true); // else the check above proves nothing
    expect(editedCharged.warnings!.filter((w) => /by hand/.test(w))).toEqual(['interface CC/AAM | SEI/SE set by hand']);
    // Other states are untouched.
    expect(edited.states.find((s) => s.state === 'pristine')!.sims!.interfaces.map((i) => i.timeS)).toEqual(report.states[0].sims!.interfaces.map((i) => i.timeS));
    await expect(analyzeStudyOnDisk(await loadStudy(STUDY), { overrides: { interfacesS: { charged: [3000, 2000, 4000, 5000] } } }).then((r) => r.warnings.join(' '))).resolves.toMatch(/interface times must increase/);
  }, 60_000);

  it('takes an SEM pixel size set by the user, and the thicknesses scale with it', async () => {
    const edited = await analyzeStudyOnDisk(await loadStudy(STUDY), { overrides: { semPixelSizeNm: { discharged: 5 } } });
    const before = report.states.find((s) => s.state === 'discharged')!.sem!;
    const after = edited.states.find((s) => s.state === 'discharged')!.sem!;
    expect(after.pixelSizeNm).toBe(5);
    expect(after.pixelSizeSource).toBe('manual');
    const cam = (sem: typeof before) => sem.layers.find((l) => l.role === 'cam')!.thicknessNm;
    expect(cam(after) / cam(before)).toBeCloseTo(5 / 4, 2);
    expect(edited.states.find((s) => s.state === 'pristine')!.sem!.pixelSizeSource).toBe('sidecar');
  }, 60_000);

  it('writes report.json and CSV tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-report-'));
    const files = (await writeReportFiles(report, dir)).map((f) => relative(dir, f));
    expect(files).toEqual(expect.arrayContaining(['report.json', 'sims_layers.csv', 'li_per_layer.csv', 'li_change_vs_pristine.csv', 'sem_thickness.csv']));
    const csv = readFileSync(join(dir, 'li_per_layer.csv'), 'utf8').trim().split('\n');
    // Which ion's counts, and divided by what (the column said "counts" whatever the normalisation).
    expect(csv[0]).toBe('state,role,analyteIon,normalizedBy,counts,sigma,fraction,fractionSigma,sigmaCounting,fractionSigmaCounting');
    expect(csv[1]).toMatch(/^pristine,cc_aam,Li-,none,/);
    expect(readFileSync(join(dir, 'li_change_vs_pristine.csv'), 'utf8').split('\n')[0]).toMatch(/^state,role,/);
    expect(csv).toHaveLength(1 + 3 * 5);
    // The maps' table says what its mean is (units in the name) and, as the Li table, which
    // ion divided by what. Its mean is per pixel: a layer's counts over it is the ROI's pixel
    // count, the same whole number for every layer.
    const maps = readFileSync(join(dir, 'li_maps.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(maps[0]).toEqual(['state', 'role', 'analyteIon', 'normalizedBy', 'meanCountsPerPixel', 'cv', 'hotSpotFraction']);
    const pixelsPerLayer = maps.slice(1).map(([state, role, , , mean]) => {
      const counts = report.states.find((s) => s.state === state)!.sims!.li.find((l) => l.role === role)!.counts;
      return counts / Number(mean);
    });
    expect(pixelsPerLayer).toHaveLength(3 * 5);
    for (const p of pixelsPerLayer) {
      expect(Math.abs(p - Math.round(p))).toBeLessThan(1e-6 * p);
      expect(Math.round(p)).toBe(Math.round(pixelsPerLayer[0]));
    }
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).schema).toBe('strata.report/1');
    // Written again against another reference state: the earlier change table goes, else a
    // script reading li_change_vs_*.csv would take either. Other files there are left alone.
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const againstCharged = { ...report, provenance: { ...report.provenance, parameters: { ...report.provenance.parameters, referenceState: 'charged' } } };
    await writeReportFiles(againstCharged, dir);
    expect(readdirSync(dir).filter((f) => f.startsWith('li_change'))).toEqual(['li_change_vs_charged.csv']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});
