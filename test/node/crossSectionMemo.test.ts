import { existsSync, mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeStateFiles, analyzeStudyDetailedOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { collectFigureData } from '../../core/node/figureFiles.js';
import { crossSectionMemoCounts, measureCrossSectionKept } from '../../core/node/crossSectionMemo.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { openDataset } from '../../core/node/openDataset.js';
import { semImagePayload } from '../../core/node/semImageTask.js';
import { WorkbenchServices } from '../../core/node/services.js';
import { StackPool } from '../../core/node/stackPool.js';
import { semAffinity, stateAffinity } from '../../core/node/stateLanes.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import type { SemImage } from '../../core/model/semImage.js';
import { measureCrossSection, toSemResult } from '../../core/sem/crossSection.js';
import { semViewOf } from '../../core/model/study.js';

const sample = resolve('samples/study');
const haveSample = existsSync(join(sample, 'study.json'));

/** A state's SEM image of the sample, as the analysis opens it. */
async function semOf(state: string): Promise<SemImage> {
  const opened = await openDataset(join(sample, state, 'sem.tif'), { displayName: `${state}/sem.tif` });
  try {
    return opened.dataset as SemImage;
  } finally {
    await opened.close();
  }
}

/** What a call added to this thread's counts. */
function countsAround<T>(fn: () => T): { result: T; measured: number; reused: number } {
  const before = crossSectionMemoCounts();
  const result = fn();
  const after = crossSectionMemoCounts();
  return { result, measured: after.measured - before.measured, reused: after.reused - before.reused };
}

describe.skipIf(!haveSample)('the SEM measurement kept for the SEM view (crossSectionMemo)', () => {
  it('gives the measurement itself, and the same again for the same image, options and stack', async () => {
    const image = await semOf('charged');
    const first = countsAround(() => measureCrossSectionKept(image, PAPER_ANODE_FREE, { tiltDeg: 0 }));
    expect(first.result).toEqual(measureCrossSection(image, PAPER_ANODE_FREE, { tiltDeg: 0 }));
    expect(first.measured).toBe(1);
    // The same file read again (other pixel buffers, the same values): reused, and a copy.
    const again = countsAround(() => measureCrossSectionKept({ ...image, pixels: image.pixels.slice() }, PAPER_ANODE_FREE, { tiltDeg: 0 }));
    expect(again).toMatchObject({ measured: 0, reused: 1 });
    expect(again.result).toEqual(first.result);
    expect(again.result).not.toBe(first.result);
    again.result.details.boundaries.length = 0;
    expect(countsAround(() => measureCrossSectionKept(image, PAPER_ANODE_FREE, { tiltDeg: 0 })).result).toEqual(first.result);
  });

  it('measures again where a pixel, the scale, the options or the stack differ', async () => {
    const image = await semOf('discharged');
    measureCrossSectionKept(image, PAPER_ANODE_FREE);
    const pixels = image.pixels.slice();
    pixels[12345] ^= 1;
    const variants: Array<[string, () => unknown]> = [
      ['one pixel', () => measureCrossSectionKept({ ...image, pixels }, PAPER_ANODE_FREE)],
      ['the pixel size', () => measureCrossSectionKept({ ...image, pixelSizeNm: image.pixelSizeNm! * 1.01 }, PAPER_ANODE_FREE)],
      ['the tilt', () => measureCrossSectionKept(image, PAPER_ANODE_FREE, { tiltDeg: 5 })],
      ['the section', () => measureCrossSectionKept(image, PAPER_ANODE_FREE, { section: 'fib-trench', tiltDeg: 10 })],
      ['a layer', () => measureCrossSectionKept(image, { ...PAPER_ANODE_FREE, layers: PAPER_ANODE_FREE.layers.map((l, i) => (i === 1 ? { ...l, nominalThicknessNm: (l.nominalThicknessNm ?? 100) * 2 } : l)) })],
    ];
    for (const [what, measure] of variants) expect(countsAround(measure), what).toMatchObject({ measured: 1, reused: 0 });
  });

  describe('the SEM view of a state finds the measurement its analysis made in the same thread', () => {
    let study: LoadedStudy;
    beforeAll(async () => {
      study = await loadStudy(sample);
    });

    it('as study.json sets the view', async () => {
      const pristine = study.states.findIndex((s) => s.state === 'pristine');
      await analyzeStateFiles(study, pristine, {});
      const viewed = await (async () => {
        const before = crossSectionMemoCounts();
        const payload = await semImagePayload({ kind: 'sem-image', study, state: 'pristine', maxSize: 512 });
        const after = crossSectionMemoCounts();
        return { payload, measured: after.measured - before.measured, reused: after.reused - before.reused };
      })();
      expect(viewed).toMatchObject({ measured: 0, reused: 1 });
      expect(viewed.payload.boundaries?.lines.length).toBeGreaterThan(3);
    });

    it('with a scale set by hand, and a state whose view study.json tilts (the discharged state, 10°)', async () => {
      const discharged = study.states.findIndex((s) => s.state === 'discharged');
      await analyzeStateFiles(study, discharged, { semPixelSizeNm: { discharged: 2.5 } });
      const before = crossSectionMemoCounts();
      await semImagePayload({ kind: 'sem-image', study, state: 'discharged', maxSize: 512, pixelSizeNm: 2.5 });
      const after = crossSectionMemoCounts();
      expect({ measured: after.measured - before.measured, reused: after.reused - before.reused }).toEqual({ measured: 0, reused: 1 });
    });
  });

  describe('the workbench sends the SEM view to the worker that analysed the state', () => {
    let dir: string;
    let api: WorkbenchServices;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'strata-sem-memo-'));
      cpSync(sample, dir, { recursive: true });
      api = new WorkbenchServices({ mode: 'browser', startupStudy: dir });
    });
    afterAll(async () => {
      await api?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the view’s task has the affinity of the state’s part that measures its SEM image', async () => {
      const run = vi.spyOn(StackPool.prototype, 'run');
      try {
        await api.analyzeStudy({ path: dir });
        await api.getSemImage({ path: dir, state: 'charged', maxSize: 512 });
        const study = await loadStudy(dir);
        const charged = study.states.findIndex((s) => s.state === 'charged');
        const affinityOf = (kind: string, part?: string): (string | undefined)[] =>
          run.mock.calls.filter(([task]) => task.kind === kind && (part === undefined || (task.kind === 'state' && task.part === part && task.stateIndex === charged))).map(([, opts]) => opts?.affinity);
        // The sample's states have XRD beside SEM: their SEM is measured by the 'sem-sims' part.
        expect(affinityOf('state', 'sem-sims')).toEqual([stateAffinity(study, charged, 'sem-sims')]);
        expect(affinityOf('sem-image')).toEqual([semAffinity(study, charged)]);
        expect(semAffinity(study, charged)).toBe(stateAffinity(study, charged, 'sem-sims'));
      } finally {
        run.mockRestore();
      }
    }, 60_000);
  });

  describe('figures draw the analysis’s measurement, not one of their own', () => {
    it('each state’s section is the one the analysis measured (the report’s thicknesses are its own), and equals a measurement made afresh', async () => {
      const study = await loadStudy(sample);
      const analysis = await analyzeStudyDetailedOnDisk(study);
      expect([...analysis.semSections.keys()].sort()).toEqual(['charged', 'discharged', 'pristine']);
      for (const st of analysis.report.states) {
        const section = analysis.semSections.get(st.state)!;
        expect(st.sem).toEqual(toSemResult(section));
        const settings = study.states.find((s) => s.state === st.state)!;
        expect(section).toEqual(measureCrossSection(await semOf(st.state), study.stack, semViewOf(settings)));
      }
      const progress: string[] = [];
      const data = await collectFigureData(study, { analysis, needVolumes: false, needXrd: false, progress: (line) => progress.push(line) });
      for (const st of data.states) expect(st.sem?.section, st.state).toBe(analysis.semSections.get(st.state));
      expect(progress.filter((line) => line.includes('measuring the cross-section'))).toEqual([]);
    }, 60_000);
  });
});
