import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../core/model/errors.js';
import { parseProject } from '../../core/node/project.js';
import { parseStudyManifest } from '../../core/pipeline/manifest.js';
import { applyMutation, applyTextEdit, encodeText, ENCODINGS, FUZZ_RUNS, FuzzTally, mutationArb, textEditArb } from '../helpers/fuzz.js';
import type { Encoding, Mutation, TextEdit } from '../helpers/fuzz.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

// Hostile input (issue 7) for the study manifest and the project file: JSON edited as text and
// as bytes, decoded the way the app reads them (UTF-8, so UTF-16 and Latin-1 files arrive as
// mojibake), plus structurally hostile JSON (wrong types, huge arrays, deep nesting, NaN and
// Infinity as text). Each must parse to a valid object or be a ManifestError naming the file,
// quickly.

const manifestText = readFileSync(resolve(PROJECT_ROOT, 'samples/study/study.json'), 'utf8');

const project = {
  schema: 'strata.project/1',
  study: 'samples/study',
  overrides: {},
  view: {
    tab: 'profiles',
    profile: { states: ['pristine'], ions: ['Li-'], logY: true, normalise: false, axis: 'time', interfacesOf: 'pristine' },
    maps: { ion: 'Li-', colormap: 'viridis', window: 'all', logColour: false, deadTime: true },
    volume: { ion: 'Li-', deadTime: true, mode: 'mip', zExaggeration: 10, clipTop: 0, clipBottom: 1, azimuthDeg: 30, elevationDeg: 20 },
    xrd: { offsetFraction: 0.1, logY: false },
  },
  annotations: [{ id: 'a1', target: 'pristine', text: 'note' }],
  savedAt: '2025-01-01T00:00:00Z',
  software: 'strata 0.1.0',
};
const projectText = JSON.stringify(project, null, 2);

/** Hostile JSON values: wrong types, huge arrays and strings, deep nesting. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, -0, '', 'x'.repeat(10_000), [], {}, '__proto__', 'constructor'),
  fc.nat({ max: 200_000 }).map((n) => Array.from({ length: n }, (_, i) => (i % 2 ? 'pristine/a.txt' : i))),
  fc.nat({ max: 50_000 }).map((n) => Array.from({ length: n }, () => ({ state: 's', files: ['a'] }))),
  fc.jsonValue({ maxDepth: 4 }),
);

/** Raw JSON text fragments no JSON.stringify writes: NaN, Infinity, deep nesting, huge numbers. */
const hostileLiteral = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '1_000', 'undefined', '"\\ud800"', '"\\u0000"', '01', '.5'),
  fc.integer({ min: 1, max: 200_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1, max: 200_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.integer({ min: 1, max: 200_000 }).map((d) => '['.repeat(d)),
);

/** Paths into the seed object where a hostile value replaces what is there. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

type Edit =
  | { kind: 'value'; path: number; value: unknown }
  | { kind: 'literal'; path: number; literal: string }
  | { kind: 'text'; edits: TextEdit[]; encoding: Encoding }
  | { kind: 'bytes'; m: Mutation; encoding: Encoding };

const editArb = (chars: number): fc.Arbitrary<Edit> =>
  fc.oneof(
    fc.record({ kind: fc.constant('value' as const), path: fc.nat(), value: hostileValue }),
    fc.record({ kind: fc.constant('literal' as const), path: fc.nat(), literal: hostileLiteral }),
    fc.record({ kind: fc.constant('text' as const), edits: fc.array(textEditArb(chars), { minLength: 1, maxLength: 4 }), encoding: fc.constantFrom(...ENCODINGS) }),
    fc.record({ kind: fc.constant('bytes' as const), m: mutationArb(chars), encoding: fc.constantFrom(...ENCODINGS) }),
  );

/** The edited file as the app reads it: bytes decoded as UTF-8 (`readFile(path, 'utf8')`). */
function editedText(seedText: string, edit: Edit): string {
  const seed = JSON.parse(seedText) as unknown;
  const paths = pathsOf(seed);
  switch (edit.kind) {
    case 'value':
      return JSON.stringify(setAt(seed, paths[edit.path % paths.length], edit.value));
    case 'literal': {
      const marker = '"@@LITERAL@@"';
      return JSON.stringify(setAt(seed, paths[edit.path % paths.length], marker.slice(1, -1))).replace(marker, edit.literal);
    }
    case 'text':
      return Buffer.from(encodeText(edit.edits.reduce(applyTextEdit, seedText), edit.encoding)).toString('utf8');
    case 'bytes':
      return Buffer.from(applyMutation(encodeText(seedText, edit.encoding), edit.m)).toString('utf8');
  }
}

describe('hostile input: study manifest and project file', () => {
  it(`study manifest: ${FUZZ_RUNS} edited study.json files`, () => {
    expect(parseStudyManifest(manifestText, 'study.json').states.length).toBe(3);
    const tally = new FuzzTally('study manifest', { errors: [ManifestError] });
    fc.assert(
      fc.property(editArb(manifestText.length), (edit) => {
        const text = editedText(manifestText, edit);
        tally.runSync(['study.json'], () => {
          let m;
          try {
            m = parseStudyManifest(text, 'study.json');
          } catch (err) {
            // A refusal is a one-screen message, however large the file.
            if (err instanceof ManifestError) expect(err.message.length).toBeLessThan(4000);
            throw err;
          }
          expect(m.schema).toBe('strata.study/1');
          expect(m.states.length).toBeGreaterThan(0);
          for (const s of m.states) for (const f of s.files) expect(f.startsWith('/') || f.split(/[\\/]/).includes('..')).toBe(false);
        });
      }),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  it(`project file: ${FUZZ_RUNS} edited .strata.json files`, () => {
    expect(parseProject(projectText, 'p.strata.json').study).toBe('samples/study');
    const tally = new FuzzTally('project file', { errors: [ManifestError] });
    fc.assert(
      fc.property(editArb(projectText.length), (edit) => {
        const text = editedText(projectText, edit);
        tally.runSync(['p.strata.json'], () => {
          let p;
          try {
            p = parseProject(text, 'p.strata.json');
          } catch (err) {
            if (err instanceof ManifestError) expect(err.message.length).toBeLessThan(4000);
            throw err;
          }
          expect(p.schema).toBe('strata.project/1');
          expect(p.annotations.length).toBeLessThanOrEqual(1000);
        });
      }),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });
});
