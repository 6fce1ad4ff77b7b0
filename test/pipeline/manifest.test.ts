import { describe, expect, it } from 'vitest';
import { parseStudyManifest } from '../../core/pipeline/manifest.js';
import { ManifestError } from '../../core/model/errors.js';
import { guessState } from '../../core/pipeline/guessStates.js';

const valid = {
  schema: 'strata.study/1',
  name: 'cell A',
  stack: 'anode-free-ss-lfp',
  states: [
    { state: 'pristine', files: ['pristine/profile.txt'], sims: { shotsPerPixel: 1000 } },
    { state: 'charged', files: ['charged/profile.txt', 'charged/sem.tif'] },
  ],
};

const parse = (o: unknown) => parseStudyManifest(JSON.stringify(o), 'study.json');

describe('study manifest', () => {
  it('accepts a valid manifest with a preset stack', () => {
    const m = parse(valid);
    expect(m.states.map((s) => s.state)).toEqual(['pristine', 'charged']);
    expect(m.states[0].sims?.shotsPerPixel).toBe(1000);
  });

  it('accepts the section geometry of a state\'s SEM image', () => {
    expect(parse({ ...valid, states: [{ state: 'pristine', files: ['a.tif'], semSection: 'fib-trench' }] }).states[0].semSection).toBe('fib-trench');
  });

  it('accepts how the analyte is normalised, and its reference ion', () => {
    expect(parse({ ...valid, normalization: 'tic' }).normalization).toBe('tic');
    expect(parse({ ...valid, normalization: 'reference', referenceIon: 'C2-' })).toMatchObject({ normalization: 'reference', referenceIon: 'C2-' });
  });

  it('accepts the state the changes are measured against, one of its states', () => {
    expect(parse({ ...valid, referenceState: 'charged' }).referenceState).toBe('charged');
  });

  it('accepts notes for the people who keep the study', () => {
    expect(parse({ ...valid, description: 'cell A, glovebox transfer', notes: 'SEM of charged re-taken', $comment: 'x' }).name).toBe('cell A');
  });

  it('accepts an inline stack', () => {
    const m = parse({ ...valid, stack: { id: 'cigs', name: 'CIGS', layers: [{ role: 'window', label: 'ZnO', material: 'ZnO', markerIons: ['Zn+'] }, { role: 'absorber', label: 'CIGS', markerIons: ['Cu+', 'In+'] }] } });
    expect(typeof m.stack === 'object' && m.stack.layers.length).toBe(2);
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['wrong schema', { ...valid, schema: 'strata.study/2' }, /schema/],
    ['unknown preset', { ...valid, stack: 'no-such-stack' }, /unknown stack preset 'no-such-stack'/],
    ['no states', { ...valid, states: [] }, /at least one state/],
    ['absolute path', { ...valid, states: [{ state: 'pristine', files: ['/etc/passwd'] }] }, /relative/],
    ['escaping path', { ...valid, states: [{ state: 'pristine', files: ['../other/x.txt'] }] }, /stay inside/],
    ['duplicate state', { ...valid, states: [valid.states[0], valid.states[0]] }, /listed twice/],
    ['bad shots', { ...valid, states: [{ state: 'pristine', files: ['a.txt'], sims: { shotsPerPixel: -3 } }] }, /states\.0\.sims\.shotsPerPixel/],
    ['layer without markers', { ...valid, stack: { layers: [{ role: 'a', label: 'A', markerIons: [] }] } }, /marker ion/],
    // State names become figure file names: these wrote outside --out, or failed half way.
    ['a state name climbing out of the folder', { ...valid, states: [{ state: '../../../escaped', files: ['a.txt'] }] }, /states\.0\.state: a state name becomes a file name/],
    ['a state name with a slash', { ...valid, states: [{ state: 'cycled/1', files: ['a.txt'] }] }, /states\.0\.state: a state name becomes a file name/],
    ['a state name of ..', { ...valid, states: [{ state: '..', files: ['a.txt'] }] }, /states\.0\.state/],
    ['control characters in the name', { ...valid, name: 'cell \u001b[2J A' }, /name: no control characters/],
    ['too many states', { ...valid, states: Array.from({ length: 201 }, (_, i) => ({ state: `s${i}`, files: ['a.txt'] })) }, /at most 200 states/],
    ['a tilt beyond what can be corrected', { ...valid, states: [{ state: 'pristine', files: ['a.txt'], semTiltDeg: 89.9 }] }, /semTiltDeg/],
    ['an unknown section geometry', { ...valid, states: [{ state: 'pristine', files: ['a.txt'], semSection: 'fib' }] }, /semSection/],
    ['an unknown normalisation', { ...valid, normalization: 'total' }, /normalization/],
    ['a view angle and a section geometry at once (the geometry was dropped in silence)', { ...valid, states: [{ state: 'pristine', files: ['a.tif'], semTiltDeg: 10, semSection: 'fib-trench' }] }, /states\.0: semTiltDeg gives the view angle itself and semSection how/],
    // Misspelt keys were dropped in silence: the analysis then ran without the setting.
    ['a misspelt key (British spelling)', { ...valid, normalisation: 'tic' }, /\(top\): unknown key 'normalisation' \(did you mean 'normalization'\?\)/],
    ['a key in the wrong case', { ...valid, states: [{ state: 'pristine', files: ['a.txt'], sims: { shotsperpixel: 50 } }] }, /states\.0\.sims: unknown key 'shotsperpixel' \(did you mean 'shotsPerPixel'\?\)/],
    ['a key one level too high', { ...valid, states: [{ state: 'pristine', files: ['a.txt'], shotPerPixel: 50 }] }, /states\.0: unknown key 'shotPerPixel' \(did you mean 'sims\.shotsPerPixel'\?\)/],
    ['an unknown layer field', { ...valid, stack: { layers: [{ role: 'a', label: 'A', markerIons: ['x'], thickness: 5 }] } }, /stack\.layers\.0: unknown key 'thickness' \(known here: .*nominalThicknessNm/],
    ['a reference state the study does not list', { ...valid, referenceState: 'as-deposited' }, /referenceState 'as-deposited' is not one of the states \(pristine, charged\)/],
    ['a misspelt reference state key', { ...valid, referenceStat: 'charged' }, /unknown key 'referenceStat' \(did you mean 'referenceState'\?\)/],
    ['a reference normalisation with no ion to divide by', { ...valid, stack: { layers: [{ role: 'a', label: 'A', markerIons: ['x'] }] }, normalization: 'reference' }, /normalization 'reference' needs "referenceIon"/],
  ];
  for (const [what, manifest, message] of invalid) {
    it(`rejects ${what} with a message naming the file`, () => {
      expect(() => parse(manifest)).toThrow(ManifestError);
      expect(() => parse(manifest)).toThrow(message);
      expect(() => parse(manifest)).toThrow(/^study\.json: /);
    });
  }

  it('rejects text that is not JSON, in one line', () => {
    expect(() => parseStudyManifest('{"schema": ', 'x/study.json')).toThrow(/x\/study\.json: not valid JSON/);
    expect(() => parseStudyManifest('{\n  "schema":\n  ,\n}', 'x/study.json')).toThrow(/^[^\n]*$/);
  });

  it('reads a study.json that starts with a byte-order mark (as Notepad saves it)', () => {
    expect(parseStudyManifest('\uFEFF' + JSON.stringify(valid), 'study.json').name).toBe('cell A');
  });
});

describe('state guessing from file names', () => {
  const cases: Array<[string, string | null]> = [
    ['pristine/profile.txt', 'pristine'],
    ['cellA_chg_profile.txt', 'charged'],
    ['cellA_dis_stack.tif', 'discharged'],
    ['Discharged/sem.tif', 'discharged'],
    ['charged/xrd.ras', 'charged'],
    ['run3/cycled-10.txt', 'cycled-10'],
    ['as-deposited.ras', 'pristine'],
    ['notes/cathode.txt', null],
  ];
  for (const [path, state] of cases) {
    it(`${path} → ${state}`, () => expect(guessState(path).state).toBe(state));
  }
  it('prefers the file name over the folder', () => {
    expect(guessState('charged/discharged_profile.txt').state).toBe('discharged');
  });
});
