import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../core/model/errors.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const SAMPLE = join(PROJECT_ROOT, 'samples/study');

/** A study folder with these files (copied from the sample study, or written) and this study.json. */
function study(files: Record<string, string | null>, states: { state: string; files: string[] }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-load-'));
  for (const [rel, from] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    if (from === null) mkdirSync(join(dir, rel), { recursive: true });
    else if (from.startsWith('text:')) writeFileSync(join(dir, rel), from.slice(5));
    else copyFileSync(join(SAMPLE, from), join(dir, rel));
  }
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'test', stack: 'anode-free-ss-lfp', states }));
  return dir;
}

describe('loading a study.json', () => {
  it('says a listed path that is a folder is one (it said "not found")', async () => {
    const dir = study({ pristine: null }, [{ state: 'pristine', files: ['pristine'] }]);
    await expect(loadStudy(dir)).rejects.toThrow(ManifestError);
    await expect(loadStudy(dir)).rejects.toThrow(/state 'pristine': file pristine is a folder, not a file$/);
  });

  it('notes a listed file it does not read, and a second file of one kind (the first is used)', async () => {
    const dir = study(
      { 'a/profile.txt': 'pristine/profile.txt', 'a/again.txt': 'charged/profile.txt', 'a/notes.md': 'text:# lab notes\n', 'a/sem.tif': 'pristine/sem.tif', 'a/sem.txt': 'pristine/sem.txt' },
      [{ state: 'pristine', files: ['a/profile.txt', 'a/again.txt', 'a/notes.md', 'a/sem.tif', 'a/sem.txt'] }],
    );
    const s = await loadStudy(dir);
    expect(s.notes).toEqual([
      "state 'pristine': a/notes.md is not a data file Strata reads; left out",
      "state 'pristine': 2 files of one kind (a/profile.txt, a/again.txt); a/profile.txt is used",
    ]);
  });
});

describe('a listed file whose name promises a format its content does not hold', () => {
  it('is an error naming the file and the state (a text renamed sem.tif was left out with a note)', async () => {
    const dir = study({ 'a/profile.txt': 'pristine/profile.txt', 'a/sem.tif': 'text:not an image at all\n' }, [{ state: 'pristine', files: ['a/profile.txt', 'a/sem.tif'] }]);
    await expect(loadStudy(dir)).rejects.toThrow(ManifestError);
    await expect(loadStudy(dir)).rejects.toThrow(/state 'pristine': file a\/sem\.tif is named as a TIFF but its content is not one Strata reads$/);
  });
});

describe("an imzML's binary part listed in a study.json", () => {
  it('is read with its .imzML and noted as left out only when listed without it ("not a data file Strata reads" was said of it)', async () => {
    const dir = study(
      { 'a/profile.txt': 'pristine/profile.txt', 'a/ions.imzML': 'text:<?xml version="1.0"?><mzML/>\n', 'a/ions.ibd': 'text:\u0000binary', 'b/profile.txt': 'charged/profile.txt', 'b/alone.ibd': 'text:\u0000binary' },
      [
        { state: 'pristine', files: ['a/profile.txt', 'a/ions.imzML', 'a/ions.ibd'] },
        { state: 'charged', files: ['b/profile.txt', 'b/alone.ibd'] },
      ],
    );
    const s = await loadStudy(dir);
    expect(s.notes).toEqual(["state 'charged': b/alone.ibd is an imzML's binary part: list its .imzML (it reads the .ibd beside it); left out"]);
    expect(s.states[0].files.map((f) => f.format)).toEqual(['iontof-ascii', 'imzml', 'unknown']);
  });
});

describe('a folder without study.json whose data are symbolic links', () => {
  it('reads linked files and linked state folders, walks a link back up the tree once, and notes a link to nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-links-'));
    // pristine: a folder of links to the sample's files; charged: a link to the sample's folder.
    mkdirSync(join(dir, 'pristine'));
    for (const f of ['profile.txt', 'stack.ome.tif']) symlinkSync(join(SAMPLE, 'pristine', f), join(dir, 'pristine', f));
    symlinkSync(join(SAMPLE, 'charged'), join(dir, 'charged'));
    symlinkSync(dir, join(dir, 'pristine', 'loop')); // back to the study's own folder
    symlinkSync(join(dir, 'nowhere.txt'), join(dir, 'pristine', 'gone.txt'));
    const loaded = await loadStudy(dir);
    expect(loaded.origin).toBe('guessed');
    const files = (state: string) => loaded.states.find((s) => s.state === state)?.files.map((f) => f.path.split('/').pop()).sort();
    expect(files('pristine')).toEqual(expect.arrayContaining(['profile.txt', 'stack.ome.tif']));
    expect(files('charged')).toEqual(expect.arrayContaining(['profile.txt', 'stack.ome.tif', 'sem.tif', 'xrd.ras']));
    // The loop's files were not taken a second time under pristine/loop/….
    expect(loaded.states.flatMap((s) => s.files).filter((f) => f.path.includes('loop'))).toEqual([]);
    expect(loaded.notes).toContain('pristine/gone.txt: a link to nothing; left out');
  });
});
