import { fileSystemErrorText, NormalizationError, StrataError, UsageError } from '../model/errors.js';
import type { AnalyzeOverrides } from '../api/contract.js';
import { STACK_PRESETS } from '../model/layerStack.js';
import type { LayerStack } from '../model/layerStack.js';

/** What a command needs from the outside world; tests pass their own to capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars redraw in place only then). */
  stderrIsTty: boolean;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

/** Exit codes: 0 success, 1 bad input (a file), 2 bad usage. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

/** Maps an error to its exit code and the one line the user sees. */
export function describeFailure(err: unknown): { code: number; line: string } {
  if (err instanceof ReportedError) return { code: describeFailure(err.original).code, line: '' };
  if (err instanceof UsageError) return { code: EXIT.usage, line: `strata: ${err.message}` };
  if (err instanceof StrataError) return { code: EXIT.badInput, line: `strata: ${err.message}` };
  const said = fileSystemErrorText(err);
  if (said) return { code: EXIT.badInput, line: `strata: ${said}` };
  return { code: EXIT.badInput, line: `strata: ${err instanceof Error ? err.message : String(err)}` };
}

/**
 * A number as written in decimal (`12`, `0.5`, `4e-3`): Number() also takes '' (as 0), hex
 * (`0x10` as 16) and 'Infinity', none of which a user means by a pixel size or a dpi.
 */
export function decimalNumber(option: string, value: string, wants: string): number {
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${option} wants ${wants}, got '${value}'`);
  return n;
}

/** A positive decimal number, at most `max` (beyond it the arithmetic that follows overflows). */
export function positiveNumber(option: string, value: string, max = 1e12): number {
  const n = decimalNumber(option, value, 'a positive number');
  // The bound is said only where it is the reason: "up to 1000000000000" beside --dpi 0 read as a range.
  if (n <= 0) throw new UsageError(`${option} wants a positive number, got '${value}'`);
  if (n > max) throw new UsageError(`${option} wants a positive number up to ${max}, got '${value}'`);
  return n;
}

/** A count (--jobs): a whole number, at least 1. */
export function countNumber(option: string, value: string): number {
  const n = decimalNumber(option, value, 'a whole number, at least 1');
  if (!Number.isInteger(n) || n < 1 || n > 1e6) throw new UsageError(`${option} wants a whole number, at least 1, got '${value}'`);
  return n;
}

/** An error whose one-line message has already been printed; main() only sets the exit code. */
export class ReportedError extends Error {
  constructor(readonly original: unknown) {
    super('already reported');
  }
}

/** Whether a flag's value can be an ion's label as data name it (`Na+`, `^6Li-`, `C_2-`): a word with a letter, no spaces or control characters. */
const isIonLabel = (value: string): boolean => /^[^\s\x00-\x1f]{1,64}$/.test(value) && /[A-Za-z]/.test(value);

/** `--normalize`: none, tic, or the reference ion's label (an ion is named as the data name it). */
export function normalizationOf(how: string): AnalyzeOverrides {
  const value = how.trim();
  const word = value.toLowerCase();
  if (word === 'none' || word === 'tic') return { normalization: word };
  // "reference" is the manifest's word for what the ion's label says here: which ion is wanted.
  if (word === 'reference') throw new UsageError(`--normalize reference: name the ion to divide by instead, e.g. --normalize C2-`);
  if (isIonLabel(value)) return { normalization: 'reference', referenceIon: value };
  throw new UsageError(`--normalize wants none, tic or an ion label such as C2-, got '${how}'`);
}

/**
 * `--analyte`: the ion's label as the data name it (`Na+`, `^6Li-`); whether the data hold it is
 * the analysis's to say (withChosenAnalyte: a bad input, exit 1, naming the ions they hold).
 */
export function analyteOf(ion: string): AnalyzeOverrides {
  const value = ion.trim();
  if (!isIonLabel(value)) throw new UsageError(`--analyte wants an ion label as the data name it, such as Na+ or ^6Li-, got '${ion}'`);
  return { analyteIon: value };
}

/** The overrides `--normalize`, `--reference` and `--analyte` ask for, over study.json's (none where none is given). */
export function flagOverrides(flags: { normalize?: string; reference?: string; analyte?: string }): AnalyzeOverrides {
  return {
    ...(flags.normalize === undefined ? {} : normalizationOf(flags.normalize)),
    ...(flags.reference === undefined ? {} : { referenceState: flags.reference }),
    ...(flags.analyte === undefined ? {} : analyteOf(flags.analyte)),
  };
}

/**
 * `--reference` must name one of `states` (the study's): else a usage error (exit 2) that names
 * them, said before any analysis (the analysis refuses it too, but as a bad input, exit 1).
 */
export async function checkReferenceFlag(overrides: AnalyzeOverrides, states: readonly string[]): Promise<void> {
  if (overrides.referenceState === undefined) return;
  const { notAStateOf } = await import('../model/study.js');
  const notAState = notAStateOf(states, overrides.referenceState);
  if (notAState) throw new UsageError(`--reference ${notAState}`);
}

/** A normalisation the data cannot take is a usage mistake (exit 2) where --normalize asked for it; else the error as it is. */
export function asNormalizeFlagError(err: unknown, fromFlag: boolean): unknown {
  return fromFlag && err instanceof NormalizationError ? new UsageError(`--normalize: ${err.message}`) : err;
}

/** The layer-stack presets `--stack` takes, for a command's help. */
export const stackPresetList = (): string => Object.keys(STACK_PRESETS).join(', ');

/** The layer-stack preset `--stack` names; a usage error listing the known ones where it names none. */
export function stackPreset(id: string): LayerStack {
  // Own keys only: 'constructor' found Object's and failed later as a bad input (exit 1).
  const stack = Object.hasOwn(STACK_PRESETS, id) ? STACK_PRESETS[id] : undefined;
  if (!stack) throw new UsageError(`--stack: no preset '${id}' (known: ${stackPresetList()})`);
  return stack;
}
