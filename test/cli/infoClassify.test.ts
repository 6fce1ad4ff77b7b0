import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyTiff } from '../../core/io/tiff/classify.js';
import { openDataset } from '../../core/node/openDataset.js';
import { summarizeDataset } from '../../core/pipeline/summarizeDataset.js';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

// Every classification counted, each still made by the real classifier.
vi.mock('../../core/io/tiff/classify.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../core/io/tiff/classify.js')>();
  return { ...actual, classifyTiff: vi.fn(actual.classifyTiff) };
});

const STACK = join(PROJECT_ROOT, 'samples/study/pristine/stack.ome.tif');
const SEM = join(PROJECT_ROOT, 'samples/study/pristine/sem.tif');

/** What openDataset makes of a file when it classifies it itself, summarised as `strata info` prints it. */
async function summaryByOpenDataset(file: string): Promise<Record<string, unknown>> {
  const opened = await openDataset(file, { displayName: file });
  try {
    return summarizeDataset(opened.format, opened.dataset);
  } finally {
    await opened.close();
  }
}

afterEach(() => vi.mocked(classifyTiff).mockClear());

describe('strata info classifies a TIFF once', () => {
  it('an ion stack: the SEM fast path\'s classification is the one openDataset takes', async () => {
    const r = await runCli(['info', '--json', STACK]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(vi.mocked(classifyTiff)).toHaveBeenCalledTimes(1);
    const [summary] = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(summary).toMatchObject({ format: 'tiff', kind: 'sims-stack', scans: 250, width: 32, height: 32 });
    // The same summary as openDataset gives classifying the file itself (as every other caller has it).
    vi.mocked(classifyTiff).mockClear();
    expect(summary).toEqual(JSON.parse(JSON.stringify(await summaryByOpenDataset(STACK))));
    expect(vi.mocked(classifyTiff)).toHaveBeenCalledTimes(1);
  });

  it('an SEM image whose printed facts need its pixels (no metadata sizes its data bar): once too', async () => {
    // The fast path classifies it, finds it needs the decoded image, and openDataset reads it
    // whole: without the classification passed on, that was a second one.
    const r = await runCli(['info', '--json', SEM]);
    expect(r.code).toBe(0);
    expect(vi.mocked(classifyTiff)).toHaveBeenCalledTimes(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ kind: 'sem', width: 640, height: 448, pixelSizeNm: 4, pixelSizeSource: 'sidecar' })]);
  });

  it('both files, text output: one classification each', async () => {
    const r = await runCli(['info', STACK, SEM]);
    expect(r.code).toBe(0);
    expect(vi.mocked(classifyTiff)).toHaveBeenCalledTimes(2);
    expect(r.stdout).toMatch(/stack\.ome\.tif: TIFF ion-image stack\n {2}format=tiff {2}kind=sims-stack {2}scans=250 /);
    expect(r.stdout).toMatch(/sem\.tif: SEM image \(TIFF\)\n {2}format=tiff {2}kind=sem {2}width=640 {2}height=448 /);
  });
});
