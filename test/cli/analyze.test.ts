import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { csvParse } from 'd3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runBatchJob } from '../../core/node/batchWorker.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');

describe('strata info on the sample study', () => {
  it('reads every data file of every state', async () => {
    const manifest = JSON.parse(readFileSync(join(STUDY, 'study.json'), 'utf8')) as { states: { files: string[] }[] };
    const dataFiles = manifest.states.flatMap((s) => s.files).filter((f) => !f.endsWith('.txt') || f.endsWith('profile.txt'));
    const r = await runCli(['info', '--json', ...dataFiles.map((f) => join(STUDY, f))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const infos = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(infos).toHaveLength(dataFiles.length);
    const kinds = infos.map((i) => i.kind);
    expect(kinds.filter((k) => k === 'sims-profile')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'sims-stack')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'xrd')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'sem')).toHaveLength(3);
    const sem = infos.find((i) => i.kind === 'sem')!;
    expect(sem.pixelSizeNm).toBeCloseTo(4, 3);
    const stack = infos.find((i) => i.kind === 'sims-stack')!;
    expect(stack.scans).toBe(250);
    // A TIFF is described as what its tags made it, not as "SEM image or ion-image stack".
    expect(sem.description).toBe('SEM image (TIFF)');
    expect(stack.description).toBe('TIFF ion-image stack');
  });
});

describe('strata info as text', () => {
  it('writes numbers as a person reads them: objects as key:value, not JSON', async () => {
    const r = await runCli(['info', join(STUDY, 'pristine/xrd.ras')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wavelength=alpha1A:1.540593,alpha2A:1.544414');
    expect(r.stdout).not.toContain('{');
  });

  describeShared('on a real SEM image', () => {
    it('rounds a stage tilt to 0.0001° (0.0003749997309975336 in the file)', async () => {
      const r = await runCli(['info', sharedDataPath('sem', 'fei_helios_ebeam_8bits.tif')]);
      expect(r.stdout).toMatch(/ tiltDeg=0\.0004 /);
      const json = await runCli(['info', '--json', sharedDataPath('sem', 'fei_helios_ebeam_8bits.tif')]);
      expect(JSON.parse(json.stdout)[0].tiltDeg).toBeCloseTo(0.000375, 9);
    });
  });
});

describe('strata info on a sidecar', () => {
  it('describes a JEOL sidecar as belonging to its image, not as an error', async () => {
    const r = await runCli(['info', '--json', join(STUDY, 'pristine/sem.txt')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ kind: 'sem-sidecar', image: 'sem.tif' }]);
  });
});

describe('strata info --json', () => {
  it('prints an array, one element per file, for one file as for several', async () => {
    const one = await runCli(['info', '--json', join(STUDY, 'pristine/xrd.ras')]);
    expect(one.code).toBe(0);
    const parsed = JSON.parse(one.stdout) as Record<string, unknown>[];
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ kind: 'xrd' });
    const two = await runCli(['info', '--json', join(STUDY, 'pristine/xrd.ras'), join(STUDY, 'charged/xrd.ras')]);
    expect((JSON.parse(two.stdout) as unknown[]).map((i) => (i as { kind: string }).kind)).toEqual(['xrd', 'xrd']);
  });

  it('leaves a file that cannot be read out of the array, and says why on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-info-'));
    const junk = join(dir, 'junk.dat');
    writeFileSync(junk, 'not a data file');
    const r = await runCli(['info', '--json', junk, join(STUDY, 'pristine/xrd.ras')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/junk\.dat/);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1);
    const alone = await runCli(['info', '--json', junk]);
    expect(alone.code).toBe(1);
    expect(JSON.parse(alone.stdout)).toEqual([]);
  });
});

describe('strata analyze', () => {
  it('analyses one study, printing JSON and writing report files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-an-'));
    const r = await runCli(['analyze', STUDY, '--json', '--out', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe('strata.report/1');
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    expect(existsSync(join(out, 'li_per_layer.csv'))).toBe(true);
    // The σ widening for scan-to-scan scatter: the factor the warning states is the one recorded.
    for (const s of report.states) {
      const { sigmaWidening, scanScatterVarianceRatio } = s.sims.parameters;
      expect(sigmaWidening).toBeCloseTo(Math.sqrt(scanScatterVarianceRatio), 12);
      expect(s.sims.warnings).toContain(`Li⁻ scatters ${sigmaWidening.toPrecision(2)}× more from scan to scan than counting allows (the primary current?): its σ is widened so; a normalisation (tic or a reference ion) would take the current out`);
    }
  });

  it('prints each Li share and change with its σ, a change in percentage points', async () => {
    const r = await runCli(['analyze', STUDY]);
    expect(r.code).toBe(0);
    const shares = r.stdout.split('\n').filter((l) => / %$/.test(l));
    const changes = r.stdout.split('\n').filter((l) => / pp$/.test(l));
    expect(shares).toHaveLength(15); // 5 layers × 3 states
    expect(changes).toHaveLength(10); // 5 layers × 2 states against pristine
    for (const line of [...shares, ...changes]) {
      const m = /([+−]?\d+\.(\d+)) ± (\d+\.(\d+))\s+(%|pp)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![2].length, line).toBe(m![4].length);
      expect(Number(m![3]), line).toBeGreaterThan(0);
    }
    // Each state's four interfaces, when the profile reached them, with the σ of that time.
    const interfaces = r.stdout.split('\n').filter((l) => l.startsWith('  interfaces (sputter time ± σ): '));
    expect(interfaces).toHaveLength(3);
    for (const line of interfaces) expect(line.match(/\|[^,]+ \d+\.\d+ ± \d+\.\d+ s/g), line).toHaveLength(4);
    // The substrate's width rests on the steel's rate above it (no boundary below): said, per state.
    expect(r.stdout.match(/^ {4}SiO₂\/Si +.* nm \(extrapolated at CC's sputter rate: the profile ends in it\)$/gm)).toHaveLength(3);
  });

  it('normalises the analyte as --normalize says, over study.json, and says so', async () => {
    const r = await runCli(['analyze', STUDY, '--normalize', 'tic', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const s of report.states) expect(s.sims.parameters.normalization).toBe('tic');
    // The total ion count changes little from layer to layer here: no warning about it.
    for (const s of report.states) expect((s.sims.warnings ?? []).filter((w: string) => /divisor/.test(w))).toEqual([]);
    const text = await runCli(['analyze', STUDY, '--normalize', 'C2-']);
    expect(text.stdout).toMatch(/^ {2}Li⁻ per layer \(fraction ± σ, counts \/ C₂⁻\):$/m);
    // C₂⁻ marks the steel: dividing by it reshapes the shares, and that is said.
    expect(text.stdout).toMatch(/^ {2}warning: C₂⁻, the normalisation's divisor, changes \d+× between layers/m);
    // study.json's own choice, when no flag overrides it.
    const dir = mkdtempSync(join(tmpdir(), 'strata-norm-'));
    cpSync(STUDY, join(dir, 'study'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'study', 'study.json'), 'utf8'));
    writeFileSync(join(dir, 'study', 'study.json'), JSON.stringify({ ...manifest, normalization: 'tic' }));
    const own = JSON.parse((await runCli(['analyze', join(dir, 'study'), '--json'])).stdout);
    expect(own.states[0].sims.parameters.normalization).toBe('tic');
    expect(own.states[0].sims.li).toEqual(report.states[0].sims.li);
    // A batch's studies get the flag too (each is analysed in a worker from its job).
    const job = await runBatchJob({ index: 0, studyPath: STUDY, outDir: join(dir, 'batch'), overrides: { normalization: 'tic' } });
    expect(job.ok && job.report.states[0].sims!.parameters!.normalization).toBe('tic');
    const bad = await runCli(['analyze', STUDY, '--normalize', ' ']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--normalize wants none, tic or an ion label/);
  }, 120_000);

  it('checks --out before analysing: a file there, or under it, is refused at once, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-out-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const [out, says] of [[file, 'exists and is not a folder'], [join(file, 'sub'), 'a part of the path is a file, not a folder']]) {
      for (const cmd of ['analyze', 'figure']) {
        const r = await runCli([cmd, STUDY, '--out', out]);
        expect(r.code, `${cmd} ${out}`).toBe(1);
        expect(r.stderr.trim(), `${cmd} ${out}`).toBe(`strata: ${out}: ${says}`);
      }
    }
  });

  it('fails with exit 1 and a one-line error naming a broken manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-bad-'));
    writeFileSync(join(dir, 'study.json'), '{"schema":"strata.study/1","name":"x","stack":"nope","states":[{"state":"pristine","files":["a.txt"]}]}');
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/study\.json: unknown stack preset 'nope'/);
  });

  it('analyses many studies in parallel, reports the broken one, finishes the rest, and writes a summary', () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-batch-'));
    cpSync(STUDY, join(root, 'cellA'), { recursive: true });
    cpSync(STUDY, join(root, 'cellB'), { recursive: true });
    mkdirSync(join(root, 'cellC'));
    writeFileSync(join(root, 'cellC', 'study.json'), '{"schema":"strata.study/1","name":"C","stack":"anode-free-ss-lfp","states":[{"state":"pristine","files":["missing.txt"]}]}');
    const out = join(root, 'out');
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/strata.js'), 'analyze', root, '--out', out, '--jobs', '2'], { encoding: 'utf8', timeout: 180_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cellC.*missing\.txt not found/);
    expect(r.stderr).toMatch(/3\/3 studies, 1 failed/);
    // A failed study leaves no folder of its own; the summary holds its error.
    expect(readdirSync(out).sort()).toEqual(['cellA', 'cellB', 'summary.csv', 'summary.json']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.studies.map((s: { status: string }) => s.status)).toEqual(['ok', 'ok', 'failed']);
    expect(summary.studies[0].provenance.inputs.length).toBeGreaterThan(0);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    // Two studies × 3 states × 5 layers, plus one row for the failure, plus the header.
    expect(csv).toHaveLength(1 + 2 * 15 + 1);
    // One header whatever row comes first; the failed study named by its folder, its path beside.
    expect(csv[0]).toBe('study,path,status,error,state,role,startS,endS,widthNm,profileEndsInIt,depthCalibration,layerConfidence,analyteIon,liFraction,liFractionSigma,referenceState,liDeltaVsReference,liDeltaSigma,semThicknessNm,semSigmaNm,semImplausible,warnings');
    const rows = csvParse(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(rows[rows.length - 1]).toMatchObject({ study: 'cellC', path: join(root, 'cellC'), status: 'failed' });
    // The states' warnings and layer confidences beside their numbers (the sample's charged Li⁻ saturates).
    const charged = rows.filter((row) => row.status === 'ok' && row.state === 'charged');
    expect(charged.length).toBe(10);
    for (const row of charged) expect(row.warnings).toMatch(/saturated Li⁻ pixel-scans/);
    for (const row of charged) expect(Number(row.layerConfidence)).toBeGreaterThan(0);
    expect(existsSync(join(out, 'cellA', 'report.json'))).toBe(true);
  }, 200_000);

  it('wants --out for several studies', async () => {
    const r = await runCli(['analyze', STUDY, STUDY]);
    expect(r.code).toBe(2);
  });
});

describeShared('strata analyze on a real profile that covers part of its stack', () => {
  it('prints the state\'s warnings and marks the doubtful layers, with tenths of seconds for a short profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-roi-'));
    cpSync(sharedDataPath('sims', 'uhasselt_psc_pos_roi.txt'), join(dir, 'profile.txt'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'PSC ROI', stack: 'perovskite-psc-pos', states: [{ state: 'pristine', files: ['profile.txt'] }] }));
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('depth axis: nominal thicknesses, not measured');
    expect(r.stdout).toMatch(/^ {4}Au +0\.0–0\.7 +s {2}0\.10 \? {2}80 nm$/m);
    // Its upper interface rests on 2–10-count signals (3.2 s before the 50 % points were taken
    // unsmoothed); its confidence is its clearest agreeing marker's step (0.57 as the median).
    expect(r.stdout).toMatch(/^ {4}Perovskite +3\.3–28\.8 s {2}0\.73 {2}500 nm$/m);
    // The rate it is extrapolated at is the layer above's, and said so (the ROI profile ends in the ITO).
    expect(r.stdout).toMatch(/\(extrapolated at \S+'s sputter rate: the profile ends in it\)$/m);
    expect(r.stdout).toMatch(/^ {2}warning: layer Au: 1 scan\(s\) at the start of the profile/m);
    expect(r.stdout).toMatch(/^ {2}warning: analyte Li⁺ not in the data/m); // Li in the data's polarity
  });
});

describeShared('strata analyze says what the SEM measurement doubts', () => {
  it('prints the SEM warnings of a state and keeps them in report.json', async () => {
    // A real JEOL image that is no cross-section of the study's stack: every layer is far off
    // its nominal thickness. The depth axis is made from these, so the doubt must reach the report.
    const dir = mkdtempSync(join(tmpdir(), 'strata-semwarn-'));
    mkdirSync(join(dir, 'pristine'));
    cpSync(join(STUDY, 'pristine/profile.txt'), join(dir, 'pristine/profile.txt'));
    cpSync(sharedDataPath('sem', 'jeol_4700F_example.tif'), join(dir, 'pristine/sem.tif'));
    cpSync(sharedDataPath('sem', 'jeol_4700F_example.txt'), join(dir, 'pristine/sem.txt'));
    const manifest = JSON.parse(readFileSync(join(STUDY, 'study.json'), 'utf8')) as { stack: string };
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'SEM doubt', stack: manifest.stack, states: [{ state: 'pristine', files: ['pristine/profile.txt', 'pristine/sem.tif'] }] }));
    const r = await runCli(['analyze', dir, '--out', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}SEM warning: CC\/AAM: [\d.]+ nm is \d+× its nominal 150 nm/m);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(report.states[0].sem.warnings.some((w: string) => /its nominal 150 nm/.test(w))).toBe(true);
    // Such thicknesses are flagged and do not calibrate the depth axis (it said "sem" with them).
    expect(report.states[0].sem.layers.find((l: { role: string }) => l.role === 'cc_aam').implausible).toBe(true);
    expect(report.states[0].sims.depthCalibration).toBe('nominal');
    // Said once for all the layers left out (a line each repeated the SEM warnings above).
    expect(r.stdout).toMatch(/^warning: pristine: SEM thickness(es)? of (.*, )?CC\/AAM \([\d.]+ nm\).* (is|are) far off (its|their) nominal ones?: not used for the depth axis$/m);
    expect(r.stdout.match(/far off (its|their) nominal ones?: not used/g)).toHaveLength(1);
  }, 60_000);
});

describeShared('strata analyze when nothing could be analysed', () => {
  it('exits 1 saying so (an imzML-only study whose one scan cannot hold the stack\'s layers ended with 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-nothing-'));
    for (const ext of ['imzML', 'ibd']) cpSync(sharedDataPath('imzml', `Example_Continuous.${ext}`), join(dir, `Example_Continuous.${ext}`));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'imz', stack: 'anode-free-ss-lfp', states: [{ state: 'pristine', files: ['Example_Continuous.imzML'] }] }));
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(1);
    // The first warning says why: the imzML's ion images are none of the stack's ions.
    expect(r.stderr).toMatch(/no state gave a result \(first warning: pristine: ToF-SIMS stack Example_Continuous\.imzML: .*no known ion lies within it/);
    // The warnings are printed before, with the report.
    expect(r.stdout).toMatch(/warning: pristine: ToF-SIMS/);
  });
});

describeShared('a study of another kind of cell, without study.json (read with the paper\'s stack)', () => {
  // The CIGS profile is positive ions; the default stack's markers are negative: not one of them
  // is in the data. It came out as the paper's five layers ("SiO₂/Si 114 223 nm") under fifteen warnings.
  const guessed = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-cigs-'));
    cpSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'pristine_profile.txt'));
    return dir;
  };

  it('is refused, naming the stack, the polarity and where the stack is chosen', async () => {
    const r = await runCli(['analyze', guessed()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('note: stack: anode-free-ss-lfp, the default (no study.json to name the study\'s)');
    expect(r.stderr).toMatch(/pristine_profile\.txt: none of the marker ions of stack 'anode-free-ss-lfp' \(Cr⁻, .*\) is in the data \(.*Mg⁺.*\): the data are positive ions, the stack's markers negative; is this another kind of cell\? Choose its stack/);
    expect(r.stdout).not.toMatch(/SiO₂\/Si +\d/);
  });

  it('--stack analyses it with the stack given, said in a note', async () => {
    const r = await runCli(['analyze', guessed(), '--stack', 'cigs-pos', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: stack: cigs-pos, given for this run\n');
    expect(r.stderr).not.toContain('the default');
    const report = JSON.parse(r.stdout);
    expect(report.stack).toBe('cigs-pos');
    expect(report.states[0].sims.layers.map((l: { role: string }) => l.role)).toEqual(['arc', 'window', 'absorber', 'back_contact']);
  });

  it('--stack in a batch applies to every study; a preset that does not exist is a usage error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-cigs-out-'));
    const r = await runCli(['analyze', guessed(), guessed(), '--stack', 'cigs-pos', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvParse(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(new Set(rows.map((row) => row.role))).toEqual(new Set(['arc', 'window', 'absorber', 'back_contact']));
    for (const cmd of ['analyze', 'figure']) {
      const bad = await runCli([cmd, guessed(), '--stack', 'nope', ...(cmd === 'figure' ? ['--out', out] : [])]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe("strata: --stack: no preset 'nope' (known: anode-free-ss-lfp, perovskite-psc-pos, cigs-pos)");
    }
  }, 60_000);
});

describe('a normalisation the data cannot take', () => {
  it('fails the analysis, naming the state and its ions: exit 2 from --normalize, 1 from study.json (the ToF-SIMS part was dropped with exit 0)', async () => {
    const typo = await runCli(['analyze', STUDY, '--normalize', 'TIX']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--normalize: pristine: reference ion TIX not in the data of pristine\/profile\.txt \(its ions: .*C_2-/);
    const itself = await runCli(['analyze', STUDY, '--normalize', 'Li-', '--jobs', '1']);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(/reference ion Li- is the analyte itself/);
    const dir = mkdtempSync(join(tmpdir(), 'strata-norm-'));
    cpSync(STUDY, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ ...manifest, normalization: 'reference', referenceIon: 'Zr-' }));
    const manifested = await runCli(['analyze', dir]);
    expect(manifested.code).toBe(1);
    expect(manifested.stderr).toMatch(/reference ion Zr- not in the data/);
  }, 120_000);
});

describe('strata analyze --reference', () => {
  /** A copy of the sample study whose study.json says `extra` (e.g. its own referenceState). */
  const studyCopy = (extra: Record<string, unknown> = {}): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'strata-ref-')), 'study');
    cpSync(STUDY, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ ...manifest, ...extra }));
    return dir;
  };

  it('refuses a state the study lacks as a usage error naming its states, before any analysis', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'strata-ref-')), 'out');
    const r = await runCli(['analyze', STUDY, '--reference', 'Charged', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("strata: --reference 'Charged' is not one of the states (pristine, charged, discharged)");
    expect(readdirSync(out)).toEqual([]); // nothing analysed, nothing written
  });

  it("compares against the state it names, over study.json's referenceState: the text, the report and li_change_vs_<state>.csv follow", async () => {
    const dir = studyCopy({ referenceState: 'discharged' });
    const out = join(dir, '..', 'out');
    const r = await runCli(['analyze', dir, '--reference', 'charged', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Li⁻ fraction change against charged \(percentage points\):$/m);
    // The change lines: the states other than charged, each layer once.
    const changes = r.stdout.split('fraction change against charged')[1].split('\n').filter((l) => /^ {2}\S+ +\S+ +[+−-]?\d/.test(l));
    expect([...new Set(changes.map((l) => l.trim().split(/\s+/)[0]))]).toEqual(['pristine', 'discharged']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.provenance.parameters.referenceState).toBe('charged');
    expect(readdirSync(out).filter((f) => f.startsWith('li_change'))).toEqual(['li_change_vs_charged.csv']);
    const rows = csvParse(readFileSync(join(out, 'li_change_vs_charged.csv'), 'utf8'));
    expect(new Set(rows.map((row) => row.referenceState))).toEqual(new Set(['charged']));
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(['pristine', 'discharged']));
    // Pristine against charged: charged's change against pristine with its sign turned.
    const li = (state: string, role: string): number => report.states.find((s: { state: string }) => s.state === state).sims.li.find((l: { role: string }) => l.role === role).fraction;
    expect(Number(rows.find((row) => row.state === 'pristine' && row.role === 'cc_aam')!.deltaFraction)).toBeCloseTo(li('pristine', 'cc_aam') - li('charged', 'cc_aam'), 12);
  }, 120_000);

  it('over a batch: a study without the state fails alone (as a bad input); a state no study has is a usage error', async () => {
    // A study of pristine alone (its files are the sample's): it cannot be compared against charged.
    const lone = join(mkdtempSync(join(tmpdir(), 'strata-ref-')), 'lone');
    cpSync(join(STUDY, 'pristine'), join(lone, 'pristine'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(STUDY, 'study.json'), 'utf8'));
    writeFileSync(join(lone, 'study.json'), JSON.stringify({ ...manifest, states: manifest.states.slice(0, 1) }));
    const failed = await runBatchJob({ index: 0, studyPath: lone, outDir: join(lone, '..', 'out'), overrides: { referenceState: 'charged' } });
    expect(failed).toEqual({ index: 0, ok: false, error: expect.stringMatching(/: reference state 'charged' is not one of the states \(pristine\)$/) });
    expect(existsSync(join(lone, '..', 'out'))).toBe(false);
    // No study has it: a typo, said at once with the states there are.
    const out = join(lone, '..', 'batch');
    const typo = await runCli(['analyze', lone, STUDY, '--out', out, '--reference', 'chraged']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe("strata: --reference 'chraged' is not one of the states (pristine, charged, discharged)");
    expect(readdirSync(out)).toEqual([]);
    // A study with it takes it in its worker's job.
    const ok = await runBatchJob({ index: 1, studyPath: STUDY, outDir: join(out, 'sample'), overrides: { referenceState: 'charged' } });
    expect(ok.ok && ok.report.provenance.parameters?.referenceState).toBe('charged');
    expect(readdirSync(join(out, 'sample'))).toContain('li_change_vs_charged.csv');
  }, 120_000);
});
