import { resolve, sep, join } from 'node:path';
import type { ApiRequest, ApiResponses, StrataApi, StudySummary } from '../api/contract.js';
import { StrataError } from '../model/errors.js';
import { STRATA_VERSION } from '../version.js';
import { summarizeDataset } from '../pipeline/summarizeDataset.js';
import { loadStudy } from './loadStudy.js';
import type { LoadedStudy } from './loadStudy.js';
import { openDataset } from './openDataset.js';
import { analyzeStudyOnDisk } from './analyzeStudyOnDisk.js';

/**
 * The main-side services behind the StrataApi, shared by the Electron IPC handlers and the
 * browser-mode HTTP backend. File access is limited to folders the user chose: the study given
 * on the command line, or what a dialog returned (`allow`).
 */
export interface ServiceOptions {
  mode: 'electron' | 'browser';
  startupStudy: string | null;
}

export class WorkbenchServices implements StrataApi {
  private readonly allowedRoots = new Set<string>();
  private readonly recent: string[] = [];

  constructor(private readonly options: ServiceOptions) {
    if (options.startupStudy) this.allow(options.startupStudy);
  }

  /** Grants access to a folder (and everything below it) the user picked. */
  allow(path: string): void {
    this.allowedRoots.add(resolve(path));
  }

  private checkAllowed(path: string): string {
    const abs = resolve(path);
    for (const root of this.allowedRoots) {
      if (abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep)) return abs;
      // A manifest path grants its folder.
      if (root.endsWith('.json') && abs === resolve(root, '..')) return abs;
    }
    throw new StrataError(`${path}: not a study you opened in this session`);
  }

  private async study(path: string): Promise<LoadedStudy> {
    return loadStudy(this.checkAllowed(path));
  }

  async startup(_: ApiRequest<'startup'>): Promise<ApiResponses['startup']> {
    return { studyPath: this.options.startupStudy, recent: [...this.recent], version: STRATA_VERSION, mode: this.options.mode };
  }

  async openStudy({ path }: ApiRequest<'openStudy'>): Promise<StudySummary> {
    const study = await this.study(path);
    const abs = resolve(path);
    this.recent.splice(0, this.recent.length, abs, ...this.recent.filter((p) => p !== abs).slice(0, 9));
    const states = [];
    for (const s of study.states) {
      const files = [];
      for (const f of s.files) {
        try {
          const opened = await openDataset(join(study.root, f.path), { displayName: f.path });
          try {
            files.push({ ...f, summary: summarizeDataset(opened.format, opened.dataset), error: null });
          } finally {
            await opened.close();
          }
        } catch (err) {
          files.push({ ...f, summary: null, error: (err as Error).message });
        }
      }
      states.push({ state: s.state, files });
    }
    return {
      path: abs,
      name: study.name,
      origin: study.origin,
      notes: study.notes,
      stack: { id: study.stack.id, name: study.stack.name, layers: study.stack.layers.map(({ role, label, material, markerIons }) => ({ role, label, material, markerIons })) },
      states,
    };
  }

  async analyzeStudy({ path, overrides }: ApiRequest<'analyzeStudy'>): Promise<ApiResponses['analyzeStudy']> {
    const study = await this.study(path);
    return analyzeStudyOnDisk(study, { overrides });
  }

  async getProfile({ path, state }: ApiRequest<'getProfile'>): Promise<ApiResponses['getProfile']> {
    const study = await this.study(path);
    const s = study.states.find((x) => x.state === state);
    if (!s) throw new StrataError(`${study.name}: no state '${state}'`);
    const file = s.files.find((f) => f.kind === 'sims-profile');
    if (!file) throw new StrataError(`${study.name}: state '${state}' has no depth profile`);
    const opened = await openDataset(join(study.root, file.path), { displayName: file.path });
    const d = opened.dataset;
    if (d.kind !== 'depthProfile') throw new StrataError(`${file.path}: not a depth profile`);
    return { state, file: file.path, timeS: Array.from(d.timeS), ions: d.ions.map((i) => ({ label: i.label, mz: i.mz, counts: Array.from(i.counts) })) };
  }
}
