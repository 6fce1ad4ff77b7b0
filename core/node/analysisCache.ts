import { stateAnalysisOptions } from '../pipeline/analyzeStudy.js';
import type { StudyAnalysis, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { analyzeStudyDetailedOnDisk, stateInputs, statesOneByOne } from './analyzeStudyOnDisk.js';
import { fileStamp } from './files.js';
import { referenceStateOf } from '../model/report.js';
import type { AnalyzeOverrides, StateOnDiskOutcome, StatesControl, StatesRunner } from './analyzeStudyOnDisk.js';
import type { LoadedStudy } from './loadStudy.js';

/** An analysis kept, with the stamps of the files it read (taken before it read them). */
interface Kept<T> {
  key: string;
  stamps: Map<string, string>;
  result: Promise<T>;
  /** The control of the request that started it (its Cancel stops it). */
  owner?: StatesControl;
}

/**
 * The workbench's last analysis of a study, reused while nothing it depends on has changed:
 * the study as loaded (manifest, states, files), the user's overrides, and the stamp (size,
 * times, inode: see fileStamp) of every file it read. Exporting a figure, or asking for the
 * report again, then costs no re-analysis (it took ~2–10 s a time).
 *
 * Each state's last outcome is kept too, keyed by what that state's analysis sees (its files and
 * settings, with the SEM view the user set in them: withSemGeometry; the layer stack, the
 * user's where chosen: withChosenStack; the study-wide options and its own entries:
 * stateAnalysisOptions). An edit of one state's settings (its interfaces dragged, its SEM scale
 * set) analyses that state again and reuses the others (and that state reuses what depends on
 * its files alone: stateMemo.ts).
 * On the sample study a drag took ~1 s before, ~0.4 s with this, ~80 ms with both.
 * One study at a time: the workbench looks at one.
 */
export class AnalysisCache {
  /** `runStates`: where the states are analysed (the workbench: on its worker threads). */
  constructor(private readonly runStates: StatesRunner = statesOneByOne) {}

  private last: Kept<StudyAnalysis> | null = null;
  /** Each state's last outcome, by state name, for the study at `statesRoot`. */
  private states = new Map<string, Kept<StateOnDiskOutcome>>();
  private statesRoot: string | null = null;

  /** `control`: this request's Cancel and progress (the workbench's analysis job); others reusing its work are not stopped by it (sharedBy). */
  async get(study: LoadedStudy, chosen: AnalyzeOverrides | undefined, control?: StatesControl): Promise<StudyAnalysis> {
    // A reference state kept in a project or a session that the study no longer has (renamed in
    // study.json) is left out, as the other settings of states it lacks are, and said: refused,
    // as the CLI refuses it, it cost the workbench its whole report (profiles, SEM, XRD).
    const { overrides, dropped } = withoutUnknownReference(study, chosen);
    const key = JSON.stringify([study.root, study.name, study.stack, study.states, study.manifest ?? null, overrides ?? null, dropped ?? null]);
    const last = this.last;
    if (last && last.key === key && (await unchanged(last.stamps))) return sharedBy(last, control, () => this.get(study, chosen, control));
    // Every file the analysis reads (sidecars and imzML binaries too), stamped before it reads
    // anything: a file changed meanwhile is noticed next time.
    const inputs = await Promise.all(study.states.map((_, i) => stateInputs(study, i)));
    const stamps = await stampFiles(inputs.flat().map((i) => i.path));
    const analysed = analyzeStudyDetailedOnDisk(study, { overrides, runStates: (s, o) => this.statesOf(s, o, control) });
    const entry = { key, stamps, owner: control, result: dropped === undefined ? analysed : analysed.then((a) => withWarning(a, `the reference state '${dropped}' chosen before is not a state of this study: compared against ${referenceStateOf(a.report)}`)) };
    this.last = entry;
    entry.result.catch(() => {
      // A failed analysis is not kept: the next request tries again.
      if (this.last === entry) this.last = null;
    });
    return entry.result;
  }

  /** The states' outcomes: those kept and still valid, the others analysed (together, by `runStates`). */
  private async statesOf(study: LoadedStudy, options: StudyAnalysisOptions, control: StatesControl | undefined): Promise<StateOnDiskOutcome[]> {
    if (this.statesRoot !== study.root) {
      this.states.clear();
      this.statesRoot = study.root;
    }
    const outcomes: Promise<StateOnDiskOutcome>[] = [];
    const missing: { index: number; key: string; stamps: Map<string, string> }[] = [];
    for (let i = 0; i < study.states.length; i++) {
      const state = study.states[i];
      const key = JSON.stringify([study.stack, state, stateAnalysisOptions(options, state.state)]);
      const kept = this.states.get(state.state);
      if (kept && kept.key === key && (await unchanged(kept.stamps))) {
        // Analysed again, alone, where the request that started it was cancelled and this one was not.
        outcomes[i] = sharedBy(kept, control, async () => (await this.statesOf({ ...study, states: [state] }, options, control))[0]);
      }
      else missing.push({ index: i, key, stamps: await stampFiles((await stateInputs(study, i)).map((f) => f.path)) });
    }
    if (missing.length > 0) {
      // States do not depend on one another: the missing ones are analysed as a study of their own.
      const run = this.runStates({ ...study, states: missing.map((m) => study.states[m.index]) }, options, control);
      missing.forEach(({ index, key, stamps }, j) => {
        const name = study.states[index].state;
        const entry = { key, stamps, owner: control, result: run.then((done) => done[j]) };
        this.states.set(name, entry);
        entry.result.catch(() => {
          // A failed analysis is not kept: the next request tries again.
          if (this.states.get(name) === entry) this.states.delete(name);
        });
        outcomes[index] = entry.result;
      });
    }
    return Promise.all(outcomes);
  }
}

/**
 * The result of work kept from another request, for a request with `control`. Where that request
 * was cancelled (its work failed for it) and this one was not, the work is done again (`again`):
 * a Cancel stops the canceller's own work, not that of a later analysis reusing it (the user
 * dragged again: the older analysis is cancelled, the newer one reuses its states under way).
 */
function sharedBy<T>(kept: Kept<T>, control: StatesControl | undefined, again: () => Promise<T>): Promise<T> {
  if (kept.owner === control) return kept.result;
  return kept.result.catch((err: unknown) => {
    if (isCancelled(kept.owner) && !isCancelled(control)) return again();
    throw err;
  });
}

function isCancelled(control: StatesControl | undefined): boolean {
  return (control?.cancelled?.() ?? null) !== null;
}

/** The overrides without a referenceState the study has no state of, and that state (undefined where none was left out). */
function withoutUnknownReference(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): { overrides: AnalyzeOverrides | undefined; dropped?: string } {
  const chosen = overrides?.referenceState;
  if (chosen === undefined || study.states.some((s) => s.state === chosen)) return { overrides };
  const { referenceState: _dropped, ...rest } = overrides!;
  return { overrides: rest, dropped: chosen };
}

function withWarning(a: StudyAnalysis, warning: string): StudyAnalysis {
  return { ...a, report: { ...a.report, warnings: [...a.report.warnings, warning] } };
}

async function stampFiles(paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) out.set(p, await stamp(p));
  return out;
}

async function stamp(path: string): Promise<string> {
  return fileStamp(path).catch(() => 'missing');
}

async function unchanged(stamps: Map<string, string>): Promise<boolean> {
  for (const [p, s] of stamps) if ((await stamp(p)) !== s) return false;
  return true;
}
