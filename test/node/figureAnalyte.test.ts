import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { collectFigureData, liFigureInput } from '../../core/node/figureFiles.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { omePages } from '../../samples/gen/omeTiff.js';

/**
 * A positive-ion ToF-SIMS stack (O2+ sputtering): Li+ over a Na+-marked film on a K+-marked
 * substrate, 40 scans of 8 × 8 pixels, and a study with an inline stack that names no analyte.
 */
function positiveIonStudy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-pos-'));
  const [W, H, scans] = [8, 8, 40];
  const meta = {
    name: 'positive', width: W, height: H, scans, pixelSizeNm: 500, pixelType: 'uint16' as const, scanPeriodS: 5, shotsPerPixel: 1000,
    channels: [{ label: 'Li+', mz: 7.016 }, { label: 'Na+', mz: 22.99 }, { label: 'K+', mz: 38.964 }],
  };
  const level = (c: number, z: number): number => (c === 0 ? 20 + (z < 20 ? 30 : 5) : c === 1 ? (z < 20 ? 200 : 2) : z < 20 ? 2 : 200);
  const planeAt = (c: number, z: number) => Float32Array.from({ length: W * H }, (_, i) => level(c, z) + (i % 3));
  writeFileSync(join(dir, 'stack.ome.tif'), writeTiff([...omePages(meta, planeAt)], { compression: 'none' }));
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({
      schema: 'strata.study/1',
      name: 'positive ions',
      stack: { layers: [
        { role: 'film', label: 'Film', markerIons: ['Na+'], nominalThicknessNm: 100 },
        { role: 'substrate', label: 'Substrate', markerIons: ['K+'], isSubstrate: true },
      ] },
      states: [{ state: 'pristine', files: ['stack.ome.tif'] }],
    }),
  );
  return dir;
}

describe('figures of positive-ion data', () => {
  it("render the analyte the analysis took (Li+), not the preset's Li- (\"no Li- channel: no 3-D rendering\")", async () => {
    const study = await loadStudy(positiveIonStudy());
    const lines: string[] = [];
    const data = await collectFigureData(study, { needSem: false, needXrd: false, progress: (l) => lines.push(l) });
    const sims = data.report.states[0].sims!;
    expect(sims.parameters!.analyteIon).toBe('Li+');
    expect(sims.li.length).toBeGreaterThan(0);
    expect(data.warnings.filter((w) => /channel/.test(w))).toEqual([]);
    expect(data.states[0].stack?.volume).toBeDefined();
    expect(liFigureInput(data, 180).ion).toBe('Li+');
    // One state is one state.
    expect(lines[0]).toBe('analysing positive ions (1 state)');
  }, 60_000);
});
