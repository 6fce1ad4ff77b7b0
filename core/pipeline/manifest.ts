import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ManifestError } from '../model/errors.js';
import { notAStateOf, quoted } from '../model/study.js';
import { STACK_PRESETS } from '../model/layerStack.js';
// Registers the presets beyond the paper's cell (solar-cell stacks of the real test files).
import type { LayerStack } from '../model/layerStack.js';
import { MAX_TILT_DEG } from '../sem/tilt.js';
import { NORMALIZATIONS } from '../sims/normalize.js';

/** Inline layer definition in a manifest (same fields as LayerDef). */
const layerSchema = z.object({
  role: z.string().regex(/^[a-z][a-z0-9_]*$/, 'role ids are lower-case identifiers like cc_aam'),
  label: z.string().min(1),
  material: z.string().default(''),
  markerIons: z.array(z.string().min(1)).min(1, 'a layer needs at least one marker ion'),
  nominalThicknessNm: z.number().positive().optional(),
  isSubstrate: z.boolean().optional(),
}).strict();

const inlineStackSchema = z.object({
  id: z.string().min(1).default('custom'),
  name: z.string().default('custom stack'),
  layers: z.array(layerSchema).min(1),
  analyteIon: z.string().optional(),
  referenceIon: z.string().optional(),
}).strict();

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'), {
    message: 'file paths must be relative to the study folder and stay inside it',
  });

/** Most states a study may list (a cycling series has tens; a hostile file could list millions). */
export const MAX_STATES = 200;
/** Control characters: in a name they could clear or fake terminal lines. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * State names become file names (`sem-<state>.png`) and table keys: a name with a path
 * separator or `..` wrote a figure outside `--out`.
 */
const stateName = z
  .string()
  .min(1)
  .max(64, 'a state name has at most 64 characters')
  .refine((s) => !/[\\/]/.test(s) && !CONTROL.test(s) && s !== '.' && s !== '..' && s.trim() === s, {
    message: 'a state name becomes a file name: no / or \\, no control characters, not . or .., no spaces at its ends',
  });

const stateSchema = z.object({
  state: stateName,
  files: z.array(relativePath).min(1, 'a state needs at least one file'),
  sims: z
    .object({
      shotsPerPixel: z.number().int().positive().optional(),
      /** Pixels of the analysis raster (e.g. 16384 for 128 × 128): a depth profile sums them, so its dead time is on N × pixels. */
      rasterPixels: z.number().int().positive().max(1 << 26).optional(),
    })
    .strict()
    .optional(),
  semTiltDeg: z.number().min(-MAX_TILT_DEG).max(MAX_TILT_DEG).optional(),
  /** How the SEM cross-section face was made: 'fib-trench' views it at 90° − the stage tilt. */
  semSection: z.enum(['cleaved', 'fib-trench']).optional(),
}).strict();

export const studyManifestSchema = z.object({
  schema: z.literal('strata.study/1'),
  name: z.string().min(1).max(500).refine((s) => !CONTROL.test(s), { message: 'no control characters' }),
  stack: z.union([z.string().min(1), inlineStackSchema]),
  states: z.array(stateSchema).min(1, 'a study needs at least one state').max(MAX_STATES, `a study lists at most ${MAX_STATES} states`),
  /** Typed-in layer thicknesses (nm) by role, used for the depth axis when no SEM image gives them. */
  thicknessesNm: z.record(z.string(), z.number().positive()).optional(),
  /**
   * What the analyte's counts are divided by, scan by scan, before they are integrated: nothing
   * (counts, the default), the total ion count (`tic`), or a reference ion (`reference`). The
   * primary current drifts between measurements, so counts compared across states want one.
   */
  normalization: z.enum(NORMALIZATIONS).optional(),
  /**
   * The state the others' Li shares are compared against (default: `pristine` where the study
   * lists one, else its first state): a study of "as-deposited", "charged-1C", … had no
   * comparison at all, for want of a state named pristine.
   */
  referenceState: stateName.optional(),
  /** The ion `reference` divides by (else the stack's referenceIon). */
  referenceIon: z.string().min(1).max(64).refine((s) => !CONTROL.test(s), { message: 'no control characters' }).optional(),
  /** Free text for the people who keep the study (ignored by the analysis). */
  description: z.string().max(100_000).optional(),
  notes: z.string().max(100_000).optional(),
  $schema: z.string().optional(),
  $comment: z.string().optional(),
}).strict();

export type StudyManifest = z.infer<typeof studyManifestSchema>;

const MAX_ISSUES_SHOWN = 10;

/** Parses and validates a `study.json`; every problem is reported with its JSON path. */
export function parseStudyManifest(text: string, fileName: string): StudyManifest {
  let json: unknown;
  try {
    // A byte-order mark (Notepad writes one) is not JSON, but it is no error of the user's.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // One line: V8's message quotes the text around the error, line breaks and all.
    throw new ManifestError(fileName, `not valid JSON (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 200)})`);
  }
  const parsed = studyManifestSchema.safeParse(json);
  if (!parsed.success) {
    // The first few problems are enough to act on; a huge wrong array would otherwise give a
    // message of megabytes.
    const issues = parsed.error.issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `${i.path.join('.') || '(top)'}: ${i.code === 'unrecognized_keys' ? unknownKeys(i.keys, json, i.path) : i.message}`);
    const more = parsed.error.issues.length - MAX_ISSUES_SHOWN;
    throw new ManifestError(fileName, issues.join('; ') + (more > 0 ? `; … and ${more} more` : ''));
  }
  const both = parsed.data.states.findIndex((s) => s.semTiltDeg !== undefined && s.semSection !== undefined);
  // semTiltDeg is the view angle itself; semSection says how an image's stage tilt becomes one.
  if (both >= 0) throw new ManifestError(fileName, `states.${both}: semTiltDeg gives the view angle itself and semSection how the image's stage tilt becomes one: give one of them`);
  const duplicate = findDuplicate(parsed.data.states.map((s) => s.state));
  if (duplicate) throw new ManifestError(fileName, `state ${quoted(duplicate)} is listed twice`);
  const { referenceState } = parsed.data;
  const notAState = referenceState === undefined ? null : notAStateOf(parsed.data.states.map((s) => s.state), referenceState);
  if (notAState) throw new ManifestError(fileName, `referenceState ${notAState}`);
  const stack = resolveStack(parsed.data.stack, fileName);
  if (parsed.data.normalization === 'reference' && !parsed.data.referenceIon && !stack.referenceIon) {
    throw new ManifestError(fileName, `normalization 'reference' needs "referenceIon" (e.g. "C2-"): stack ${quoted(stack.id)} names none`);
  }
  return parsed.data;
}

/**
 * "unknown key 'normalisation' (did you mean 'normalization'?)": a misspelt key was dropped in
 * silence, and the analysis ran without the setting the user thought they had made.
 */
function unknownKeys(keys: readonly string[], json: unknown, path: readonly PropertyKey[]): string {
  const at = path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), json);
  const present = at !== null && typeof at === 'object' ? Object.keys(at) : [];
  const shape = shapeAt(path);
  const known = Object.keys(shape).filter((k) => !present.includes(k));
  // A key one level too high ("shotsPerPixel" beside "files") is found inside its object: "sims.shotsPerPixel".
  const nested = Object.entries(shape).flatMap(([k, v]) => {
    const inner = v instanceof z.ZodOptional ? v.unwrap() : v;
    return inner instanceof z.ZodObject ? Object.keys(inner.shape).map((child) => `${k}.${child}`) : [];
  });
  const leaf = (k: string): string => k.slice(k.lastIndexOf('.') + 1).toLowerCase();
  return keys
    .map((key) => {
      const candidates = [...known, ...nested];
      const near = candidates.length ? closest(key.toLowerCase(), candidates.map(leaf)) : undefined;
      const match = candidates.find((c) => leaf(c) === near);
      const likely = near !== undefined && match !== undefined && distance(key.toLowerCase(), near) <= Math.max(2, Math.floor(near.length / 4));
      return `unknown key ${quoted(key)}${likely ? ` (did you mean '${match}'?)` : known.length ? ` (known here: ${known.join(', ')})` : ''}`;
    })
    .join('; ');
}

/** The schema's fields at a JSON path (a state, its sims, an inline stack or layer, the top). */
function shapeAt(path: readonly PropertyKey[]): Record<string, z.ZodType> {
  const named = path.filter((k) => typeof k === 'string');
  const last = named[named.length - 1];
  if (last === 'states') return stateSchema.shape;
  if (last === 'sims') return stateSchema.shape.sims.unwrap().shape;
  if (last === 'layers') return layerSchema.shape;
  if (last === 'stack') return inlineStackSchema.shape;
  return studyManifestSchema.shape;
}

/** The LayerStack a manifest names (a preset id) or defines inline. */
export function resolveStack(stack: StudyManifest['stack'], fileName: string): LayerStack {
  if (typeof stack === 'string') {
    const preset = STACK_PRESETS[stack];
    if (!preset) throw new ManifestError(fileName, `unknown stack preset ${quoted(stack)} (known: ${Object.keys(STACK_PRESETS).join(', ')})`);
    return preset;
  }
  const duplicate = findDuplicate(stack.layers.map((l) => l.role));
  if (duplicate) throw new ManifestError(fileName, `stack: role ${quoted(duplicate)} is listed twice`);
  return stack;
}

function findDuplicate(values: string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}
