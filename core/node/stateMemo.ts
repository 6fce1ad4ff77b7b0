import type { IonStack } from '../model/ionStack.js';
import type { XrdResult } from '../model/report.js';
import type { CrossSectionResult } from '../sem/crossSection.js';
import type { ModalitySteps } from '../pipeline/analyzeStudy.js';
import { profileFromStack } from '../sims/stackProfile.js';
import type { StackProfile, StackProfileOptions } from '../sims/stackProfile.js';
import { BoundedLru } from '../util/boundedLru.js';
import { fileStamp, settledStamp } from './files.js';

/** Results kept at most (a study has five a state at most), and their bytes at most (roughly). */
const MAX_KEPT = 64;
const MAX_KEPT_BYTES = 64 * 1024 * 1024;
const counts = { computed: 0, reused: 0 };

/**
 * Roughly the bytes a result holds: its arrays' buffers and strings, and a little for each other
 * value (a stack's profiles are most of it: ions × scans numbers, a few MB for a big stack).
 */
function roughBytes(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value === 'string') return 2 * value.length;
  if (value === null || typeof value !== 'object' || depth > 8) return 8;
  let bytes = 32;
  for (const v of Array.isArray(value) ? value : Object.values(value)) bytes += roughBytes(v, depth + 1);
  return bytes;
}

/**
 * The steps of a state's analysis whose results depend on its files alone, kept per thread
 * while the files are unchanged: the SEM measurement, the XRD analysis and the ToF-SIMS stack's
 * depth profiles. The workbench analyses a state again at every edit of its settings (an
 * interface dragged, an SEM scale set); these steps then do not run again, only what the edit
 * changes does (the layers, the depth scale, the maps).
 *
 * Keys are the files' stamps (fileStamp), taken before they are read, and the step's other
 * inputs. A result is kept only once the analysis is done and every file it came from has the
 * same stamp as before, and did not change just before (settledStamp). Results are copied in
 * and out (structuredClone): no analysis sees another's objects.
 */
const kept = new BoundedLru<string, unknown>(MAX_KEPT, MAX_KEPT_BYTES, (value) => roughBytes(value));

/** Results computed and reused through memoizedSteps in this thread so far (for tests). */
export function stepMemoCounts(): { computed: number; reused: number } {
  return { ...counts };
}

/** The files a state's steps read, by path (memoizedSteps stamps them). */
export interface StepFiles {
  sem?: { image: string; sidecar: string | null };
  xrd?: string;
  /** The stack file, and what its reader reads with it (an imzML's .ibd). */
  stack?: string[];
}

export interface MemoizedSteps {
  steps: ModalitySteps;
  /** Keeps the results of this analysis whose files are still as they were stamped. */
  commit(): Promise<void>;
}

/**
 * `base`'s steps, each looking for a kept result first. Call before the files are read (their
 * stamps are taken here), and `commit` after the analysis.
 */
export async function memoizedSteps(files: StepFiles, base: ModalitySteps): Promise<MemoizedSteps> {
  const paths = [files.sem?.image, files.sem?.sidecar, files.xrd, ...(files.stack ?? [])].filter((p): p is string => typeof p === 'string');
  const stamps = new Map<string, string | null>();
  for (const p of paths) stamps.set(p, await settledStamp(p));
  const pending: { key: string; value: unknown; from: string[] }[] = [];
  /** A key from the files' stamps and the step's other inputs; null when a file is not settled. */
  const keyOf = (step: string, from: string[], inputs: unknown): string | null => {
    const s = from.map((p) => stamps.get(p) ?? null);
    return s.every((x) => x !== null) ? JSON.stringify([step, from, s, inputs]) : null;
  };
  /** The kept result for the key (a copy), or undefined. */
  const lookup = <T>(key: string | null): T | undefined => {
    const value = key === null ? undefined : kept.get(key);
    if (value === undefined) return undefined;
    counts.reused++;
    return structuredClone(value) as T;
  };
  /** A result just computed: a copy of it is kept at commit, when its files allow. */
  const computed = <T>(key: string | null, from: string[], value: T): T => {
    counts.computed++;
    if (key !== null) pending.push({ key, value: structuredClone(value), from });
    return value;
  };
  const steps: ModalitySteps = { ...base };
  const sem = files.sem;
  if (base.measureSem && sem) {
    const measure = base.measureSem;
    const from = sem.sidecar ? [sem.image, sem.sidecar] : [sem.image];
    steps.measureSem = (image, stack, opts) => {
      // Everything of the image but its pixels (those are the file's): a scale set by hand
      // changes its pixel size and where that came from, which the result reports.
      const { pixels: _pixels, ...described } = image;
      // The whole view (the tilt, and the section geometry that says how to read a stage tilt).
      const key = keyOf('sem', from, [described, opts.tiltDeg ?? null, opts.section ?? null, stack]);
      return lookup<CrossSectionResult>(key) ?? computed(key, from, measure(image, stack, opts));
    };
  }
  const xrd = files.xrd;
  if (base.analyzeXrd && xrd) {
    const analyze = base.analyzeXrd;
    steps.analyzeXrd = (pattern, stack) => {
      // The stack's materials choose the candidate phases: a result is the file's and the stack's.
      const key = keyOf('xrd', [xrd], stack ? stack.layers.map((l) => [l.role, l.material]) : null);
      return lookup<XrdResult>(key) ?? computed(key, [xrd], analyze(pattern, stack));
    };
  }
  const stackFiles = files.stack;
  if (stackFiles) {
    const profile = base.stackProfile ?? profileFromStack;
    steps.stackProfile = async (stack: IonStack, options: StackProfileOptions): Promise<StackProfile> => {
      // Progress and cancel are not inputs; the scan times are (a profile file may give them).
      const { signal: _signal, onPlane: _onPlane, timeS, ...rest } = options;
      const key = keyOf('stack-profile', stackFiles, { ...rest, timeS: timeS ? Array.from(timeS) : null });
      return lookup<StackProfile>(key) ?? computed(key, stackFiles, await profile(stack, options));
    };
  }
  return {
    steps,
    async commit() {
      for (const { key, value, from } of pending) {
        const unchanged = await Promise.all(from.map(async (p) => (await fileStamp(p).catch(() => null)) === stamps.get(p)));
        if (!unchanged.every(Boolean)) continue;
        kept.set(key, value);
      }
    },
  };
}
