import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';
import { all, parseSvg, texts, withAttr } from '../figures/svgQuery.js';

const SAMPLE = join(PROJECT_ROOT, 'samples/study');
const hasSample = existsSync(join(SAMPLE, 'study.json'));
const hasPoppler = spawnSync('pdftoppm', ['-v']).status === 0;
const DPI = 100;

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('strata figure: usage', () => {
  it('exits 2 on bad options, before reading the study', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    for (const args of [
      ['figure', '/nonexistent'],
      ['figure', '/nonexistent', '--out', out, '--format', 'svg,gif'],
      ['figure', '/nonexistent', '--out', out, '--dpi', '-3'],
      ['figure', '/nonexistent', '--out', out, '--width', '3cm'],
      ['figure', '/nonexistent', '--out', out, '--figures', 'fig9'],
      ['figure', '/nonexistent', '--out', out, '--xrd-scale', 'cube'],
      ['figure', '/nonexistent', '--out', out, '--volume-mode', 'xray'],
      ['figure', '/nonexistent', '--out', out, '--volume-view', '35'],
      ['figure', '/nonexistent', '--out', out, '--volume-view', '35,95'],
      ['figure', '/nonexistent', '--out', out, '--volume-z-exaggeration', '0.5'],
      ['figure', '/nonexistent', '--out', out, '--volume-colour-max', '0'],
      ['figure', '/nonexistent', '--out', out, '--volume-colour-max', 'high'],
      ['figure', '/nonexistent', '--out', out, '--volume-voxels', '100'],
      ['figure', '/nonexistent', '--out', out, '--volume-voxels', '7000000'],
      ['figure', '/nonexistent', '--out', out, '--volume-voxels', '4096.5'],
      ['figure', '/nonexistent', '--out', out, '--normalize', ''],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('says the range an option takes where the value is outside it (not "up to 1000000000000" for --dpi 0)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    for (const [args, says] of [
      [['figure', '/nonexistent', '--out', out, '--dpi', '0'], "--dpi wants a resolution from 72 to 2400, got '0'"],
      [['figure', '/nonexistent', '--out', out, '--dpi', '5000'], "--dpi wants a resolution from 72 to 2400, got '5000'"],
      [['analyze', '/nonexistent', '--jobs', '0'], "--jobs wants a whole number, at least 1, got '0'"],
      [['analyze', '/nonexistent', '--jobs', '1.5'], "--jobs wants a whole number, at least 1, got '1.5'"],
      [['sem', '/nonexistent', '--pixel-size', '0'], "--pixel-size wants a positive number, got '0'"],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(`strata: ${says}`);
    }
  });

  it('exits 1 with a one-line error naming the file on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    const manifest = (files: string[]): string => JSON.stringify({ schema: 'strata.study/1', name: 'x', stack: 'anode-free-ss-lfp', states: [{ state: 'pristine', files }] });
    writeFileSync(join(dir, 'study.json'), manifest(['pristine/missing.txt']));
    let r = await runCli(['figure', dir, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    let lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/study\.json.*missing\.txt/);
    // A TIFF that is not one: the error names the file.
    mkdirSync(join(dir, 'pristine'), { recursive: true });
    writeFileSync(join(dir, 'pristine', 'stack.tif'), Buffer.concat([Buffer.from('II*\0'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(64, 7)]));
    writeFileSync(join(dir, 'study.json'), manifest(['pristine/stack.tif']));
    r = await runCli(['figure', dir, '--out', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(1);
    lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/stack\.tif/);
  });
});

describe.skipIf(!hasSample)('strata figure on the sample study', () => {
  const out = mkdtempSync(join(tmpdir(), 'strata-fig-'));
  let result: { code: number; stdout: string; stderr: string };
  let manifest: { files: { name: string; format: string; path: string; sha256: string; widthMm: number; widthPx?: number; notes?: string[] }[]; inputs: { path: string; sha256: string }[]; parameters: Record<string, unknown>; version: string };

  beforeAll(async () => {
    result = await runCli(['figure', SAMPLE, '--out', out, '--dpi', String(DPI)]);
    manifest = JSON.parse(readFileSync(join(out, 'figures.json'), 'utf8'));
  }, 120_000);

  it('writes every figure in svg, png and pdf, reporting progress on stderr', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[1\/\d+\] fig4\.svg/);
    const names = [...new Set(manifest.files.map((f) => f.name))];
    expect(names).toEqual(['fig4', 'profiles', 'sem-pristine', 'sem-charged', 'sem-discharged', 'xrd', 'li-bars']);
    for (const n of names) for (const ext of ['svg', 'png', 'pdf']) expect(existsSync(join(out, `${n}.${ext}`)), `${n}.${ext}`).toBe(true);
    // Files are made a few at once; the manifest still lists them figure by figure, each in the formats' order.
    expect(manifest.files.map((f) => f.path)).toEqual(names.flatMap((n) => ['svg', 'png', 'pdf'].map((ext) => `${n}.${ext}`)));
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(out).filter((f) => f.startsWith('.strata-tmp'))).toEqual([]);
  });

  it('records provenance: inputs with checksums, parameters, version, file checksums', () => {
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.inputs.map((i) => i.path)).toEqual(expect.arrayContaining(['pristine/stack.ome.tif', 'charged/sem.tif', 'discharged/xrd.ras']));
    const stack = manifest.inputs.find((i) => i.path === 'pristine/stack.ome.tif')!;
    expect(stack.sha256).toBe(createHash('sha256').update(readFileSync(join(SAMPLE, 'pristine/stack.ome.tif'))).digest('hex'));
    expect(manifest.parameters).toMatchObject({ dpi: DPI, formats: ['svg', 'png', 'pdf'], widthMm: null });
    for (const f of manifest.files) expect(f.sha256).toBe(createHash('sha256').update(readFileSync(join(out, f.path))).digest('hex'));
    // What a caption needs and the figure no longer prints: the SEM file and its pixel size's source.
    const semNotes = manifest.files.find((f) => f.name === 'sem-pristine')!.notes ?? [];
    expect(semNotes.join(' ')).toMatch(/pristine\/sem\.tif/);
    expect(semNotes.join(' ')).toMatch(/sidecar/);
  });

  it('writes SVGs that parse, with fig4 holding its panels, one map scale and the layer labels', () => {
    for (const f of manifest.files.filter((x) => x.format === 'svg')) parseSvg(readFileSync(join(out, f.path), 'utf8'));
    const root = parseSvg(readFileSync(join(out, 'fig4.svg'), 'utf8'));
    expect(root.attrs.width).toBe('180mm');
    expect(withAttr(root, 'data-panel-letter').map((n) => n.attrs['data-panel-letter'])).toEqual([...'abcdefgh']);
    expect(all(root, (n) => n.attrs.class === 'colorbar' && n.attrs['data-scale-id'] === 'li-map')).toHaveLength(1);
    expect(withAttr(root, 'data-scale-id', 'li-map').filter((n) => n.tag === 'image').map((n) => n.attrs['data-state'])).toEqual(['pristine', 'charged', 'discharged']);
    const layerLabels = new Set(withAttr(root, 'data-layer-label').map((n) => n.text));
    for (const l of ['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'SiO₂/Si']) expect(layerLabels.has(l), l).toBe(true);
    expect(withAttr(root, 'data-sem-backdrop')).toHaveLength(1);
    const sem = parseSvg(readFileSync(join(out, 'sem-pristine.svg'), 'utf8'));
    expect(withAttr(sem, 'data-boundary').length).toBeGreaterThanOrEqual(5);
    expect(withAttr(sem, 'data-layer-label').map((n) => n.text).join(' ')).toMatch(/CAM \d+(\.\d+)? ± [\d.]+ nm/);
  });

  it('writes PNGs whose pixel width is width × dpi', () => {
    for (const f of manifest.files.filter((x) => x.format === 'png')) {
      const { width } = pngSize(new Uint8Array(readFileSync(join(out, f.path))));
      expect(width, f.path).toBe(Math.round((f.widthMm / 25.4) * DPI));
      expect(f.widthPx).toBe(width);
    }
  });

  it.skipIf(!hasPoppler)('writes PDFs that pdftoppm opens, with the font embedded', () => {
    const dir = join(out, 'ppm');
    mkdirSync(dir, { recursive: true });
    for (const f of manifest.files.filter((x) => x.format === 'pdf')) {
      const file = join(out, f.path);
      execFileSync('pdftoppm', ['-r', '20', '-png', file, join(dir, f.name)]);
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
      const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
      expect(rows.length, f.path).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatch(/DejaVuSans/);
        expect(row).toMatch(/\byes\b/);
      }
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(7);
  });

  it('honours --figures, --format and --width', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'li-bars,xrd', '--format', 'png', '--width', 'single', '--dpi', '150']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['figures.json', 'li-bars.png', 'xrd.png']);
    const { width } = pngSize(new Uint8Array(readFileSync(join(dir, 'xrd.png'))));
    expect(width).toBe(Math.round((85 / 25.4) * 150));
  }, 60_000);

  it('makes the volume figure on request (not by default), with the rendering and camera asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'volume', '--format', 'svg', '--volume-mode', 'composite', '--volume-view', '120,40', '--volume-z-exaggeration', '60', '--volume-colour-max', '180']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['figures.json', 'volume.svg']);
    const root = parseSvg(readFileSync(join(dir, 'volume.svg'), 'utf8'));
    // The colour scale asked for (another figure's or the workbench view's), and the notes say so.
    const bar = withAttr(root, 'data-colorbar')[0].attrs;
    expect([Number(bar['data-min']), Number(bar['data-max'])]).toEqual([0, 180]);
    expect(readFileSync(join(dir, 'figures.json'), 'utf8')).toContain("colour scale: 0–180 mean counts per voxel");
    expect(withAttr(root, 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['volume-pristine', 'volume-charged', 'volume-discharged']);
    expect(withAttr(root, 'data-z-exaggeration', '60')).toHaveLength(3);
    expect(texts(root).join(' ')).toMatch(/composite\)/);
    // Another camera draws another picture.
    const other = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    expect((await runCli(['figure', SAMPLE, '--out', other, '--figures', 'volume', '--format', 'svg', '--volume-mode', 'composite', '--volume-z-exaggeration', '60'])).code).toBe(0);
    const image = (file: string) => all(parseSvg(readFileSync(file, 'utf8')), (n) => n.tag === 'image')[0].attrs['xlink:href'];
    expect(image(join(dir, 'volume.svg'))).not.toBe(image(join(other, 'volume.svg')));
  }, 120_000);

  it('bins the 3-D panels as --volume-voxels asks, fig4\'s and the volume figure\'s, and the notes give the voxels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    // 16 × 16 × 64: the sample's 32 × 32 × 250 binned 2 × 2 × 4 (lateral first).
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'fig4,volume', '--format', 'svg', '--volume-voxels', String(16 * 16 * 64)]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'figures.json'), 'utf8')) as { files: { name: string; notes?: string[] }[] };
    const of = (name: string) => manifest.files.find((f) => f.name === name)!.notes!.join(' | ');
    expect(of('fig4')).toContain('3-D renderings: each stack binned to pristine 16 × 16 × 63, charged 16 × 16 × 63, discharged 16 × 16 × 63 voxels (x × y × depth)');
    expect(of('volume')).toMatch(/pristine: .*, 16 × 16 × 63 voxels/);
    // By default the figures' own: at most 96 a side (the 250 scans in bins of 3), 96 × 96 × 160 in all.
    const own = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    expect((await runCli(['figure', SAMPLE, '--out', own, '--figures', 'fig4', '--format', 'svg'])).code).toBe(0);
    expect(readFileSync(join(own, 'figures.json'), 'utf8')).toContain('pristine 32 × 32 × 84');
    // Asked for as many as the workbench's GPU view bins to: every scan its own bin.
    const fine = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    expect((await runCli(['figure', SAMPLE, '--out', fine, '--figures', 'fig4', '--format', 'svg', '--volume-voxels', String(160 * 160 * 256)])).code).toBe(0);
    expect(readFileSync(join(fine, 'figures.json'), 'utf8')).toContain('pristine 32 × 32 × 250');
  }, 120_000);

  it('honours --normalize as strata analyze does: fig. 4 says what the profiles were divided by', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-'));
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'fig4', '--format', 'svg', '--normalize', 'tic']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'fig4.svg'), 'utf8')).toContain('Li⁻ / total (rel. to max.)');
  }, 60_000);
});

describe.skipIf(!hasSample)('strata figure --reference', () => {
  it('compares li-bars against the state it names; one the study lacks is a usage error, before any analysis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-ref-'));
    const bad = await runCli(['figure', SAMPLE, '--out', join(dir, 'bad'), '--figures', 'li-bars', '--reference', 'cycled-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("strata: --reference 'cycled-1' is not one of the states (pristine, charged, discharged)");
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'li-bars', '--format', 'svg', '--reference', 'charged']);
    expect(r.code, r.stderr).toBe(0);
    const drawn = texts(parseSvg(readFileSync(join(dir, 'li-bars.svg'), 'utf8'))).join(' ');
    expect(drawn).toContain('Δ Li share vs charged (pp)');
    expect(drawn).not.toContain('vs pristine');
    const manifest = JSON.parse(readFileSync(join(dir, 'figures.json'), 'utf8'));
    expect(manifest.analysis.parameters.referenceState).toBe('charged');
  }, 120_000);
});

/** The legend entries, axis titles and layer labels of a profiles.svg, and its figures.json notes. */
function readProfiles(dir: string): { legend: string[]; axes: string[]; layers: string[]; panels: string[]; notes: string[]; drawn: string } {
  const root = parseSvg(readFileSync(join(dir, 'profiles.svg'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(dir, 'figures.json'), 'utf8')) as { files: { name: string; notes?: string[] }[] };
  return {
    legend: withAttr(root, 'data-legend').map((n) => n.attrs['data-legend']),
    axes: all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text),
    layers: withAttr(root, 'data-layer-label').map((n) => n.text),
    panels: withAttr(root, 'data-panel').map((n) => n.attrs['data-panel']),
    notes: manifest.files.find((f) => f.name === 'profiles')?.notes ?? [],
    drawn: texts(root).join(' '),
  };
}

describe.skipIf(!hasSample)('strata figure: depth profiles', () => {
  it('makes the profiles figure of a study with depth profiles only (no stack, SEM or XRD)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-prof-'));
    const manifest = JSON.parse(readFileSync(join(SAMPLE, 'study.json'), 'utf8')) as { stack: string; states: { state: string; sims?: unknown }[] };
    const states = manifest.states.map((s) => {
      mkdirSync(join(dir, s.state));
      writeFileSync(join(dir, s.state, 'profile.txt'), readFileSync(join(SAMPLE, s.state, 'profile.txt')));
      return { state: s.state, files: [`${s.state}/profile.txt`], ...(s.sims ? { sims: s.sims } : {}) };
    });
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'profiles only', stack: manifest.stack, states }));
    const out = join(dir, 'out');
    const r = await runCli(['figure', dir, '--out', out, '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toContain('profiles.svg');
    const p = readProfiles(out);
    expect(p.panels).toEqual(['profiles-pristine', 'profiles-charged', 'profiles-discharged']);
    // The analyte and the layers' markers, in ion notation; no more than eight.
    expect(p.legend[0]).toBe('Li⁻');
    expect(p.legend).toEqual(expect.arrayContaining(['Cr⁻', 'PO₂⁻', 'FeO⁻', 'Si⁻']));
    expect(p.legend.length).toBeLessThanOrEqual(8);
    // Without SEM images the depth rests on the preset's nominal thicknesses, and says so.
    expect(p.axes).toContain('Depth (nm, nominal thicknesses)');
    expect(p.axes).toContain('Ion counts per scan');
    for (const l of ['CC/AAM', 'SEI/SE', 'CAM']) expect(p.layers, l).toContain(l);
    expect(p.notes.join(' ')).toMatch(/pristine: pristine\/profile\.txt/);
    expect(p.notes.join(' ')).toMatch(/nominal thicknesses \(pristine, charged, discharged\)/);
  }, 60_000);

  it("draws a state with an ion stack alone from the stack's ions, dead-time corrected per pixel", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-prof-'));
    const manifest = JSON.parse(readFileSync(join(SAMPLE, 'study.json'), 'utf8')) as { stack: string; states: { state: string; sims?: unknown }[] };
    const s = manifest.states[0];
    mkdirSync(join(dir, s.state));
    writeFileSync(join(dir, s.state, 'stack.ome.tif'), readFileSync(join(SAMPLE, s.state, 'stack.ome.tif')));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'stack only', stack: manifest.stack, states: [{ state: s.state, files: [`${s.state}/stack.ome.tif`], ...(s.sims ? { sims: s.sims } : {}) }] }));
    const r = await runCli(['figure', dir, '--out', join(dir, 'out'), '--figures', 'profiles', '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    const p = readProfiles(join(dir, 'out'));
    expect(p.panels).toEqual([`profiles-${s.state}`]);
    expect(p.legend[0]).toBe('Li⁻');
    expect(p.legend).toEqual(expect.arrayContaining(['Cr⁻', 'PO₂⁻', 'FeO⁻', 'Si⁻']));
    expect(p.notes.join(' ')).toMatch(new RegExp(`${s.state}/stack\\.ome\\.tif, counts dead-time corrected per pixel \\(N = \\d+ shots\\)`));
    expect(p.notes.join(' ')).toMatch(/Si⁻ \(marks SiO₂\/Si\)/);
  }, 60_000);

  it('divides by the ion --normalize names, says so on the axis, and does not draw the divisor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-prof-'));
    const r = await runCli(['figure', SAMPLE, '--out', dir, '--figures', 'profiles', '--format', 'svg', '--normalize', 'Cr-']);
    expect(r.code, r.stderr).toBe(0);
    const p = readProfiles(dir);
    expect(p.axes).toContain('Ion counts / Cr⁻');
    expect(p.legend).not.toContain('Cr⁻');
    expect(p.legend).toContain('Ni⁻');
    // The sample's SEM images calibrate its depth, and the axis says so.
    expect(p.axes).toContain('Depth (nm, SEM thicknesses)');
    expect(p.notes.join(' ')).toMatch(/divided, scan by scan, by the Cr⁻ counts/);
  }, 60_000);
});

describeShared('strata figure: depth profiles of the real solar-cell exports', () => {
  const study = (file: string, stack: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig-real-'));
    writeFileSync(join(dir, 'profile.txt'), readFileSync(sharedDataPath('sims', file)));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: stack, stack, states: [{ state: 'pristine', files: ['profile.txt'] }] }));
    return dir;
  };

  for (const [file, stack, markers, layers] of [
    ['grapa_cigs_sample_d.txt', 'cigs-pos', ['Mg⁺', 'Al⁺', 'In⁺', 'Mo⁺'], ['MgF₂', 'CIGS', 'Mo']],
    ['uhasselt_psc_pos_electrode1.txt', 'perovskite-psc-pos', ['Au⁺', 'C⁺', 'Pb⁺', 'In⁺'], ['Au', 'HTL', 'Perovskite', 'ITO']],
  ] as const) {
    it(`${file}: the default figures are the depth profiles (it made none before)`, async () => {
      const dir = study(file, stack);
      const out = join(dir, 'out');
      const r = await runCli(['figure', dir, '--out', out, '--format', 'svg']);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['figures.json', 'profiles.svg']);
      // What could not be made is said, not failed on.
      expect(r.stderr).toMatch(/warning: sem: no SEM image in any state/);
      const p = readProfiles(out);
      expect(p.panels).toEqual(['profiles-pristine']);
      // No Li in a solar cell: the layers' markers alone, in the data's positive polarity.
      expect(p.legend.slice(0, 4)).toEqual(markers);
      expect(p.legend.length).toBeLessThanOrEqual(8);
      expect(p.drawn).not.toMatch(/Li/);
      for (const l of layers) expect(p.layers, l).toContain(l);
      expect(p.axes).toEqual(expect.arrayContaining(['Depth (nm, nominal thicknesses)', 'Ion counts per scan']));
      // These exports are Poisson corrected by the instrument: the notes say so.
      expect(p.notes.join(' ')).toMatch(/instrument corrected them/);
    }, 60_000);
  }
});

describe.skipIf(!hasSample)('strata figure --normalize with an ion the data lack', () => {
  it('is a usage mistake (exit 2), naming the state and its ions, as for strata analyze', async () => {
    const r = await runCli(['figure', SAMPLE, '--normalize', 'TIX', '--figures', 'li-bars', '--out', mkdtempSync(join(tmpdir(), 'strata-fig-norm-'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--normalize: pristine: reference ion TIX not in the data of pristine\/profile\.txt/);
  }, 120_000);
});
