import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStudies } from '../../core/node/findStudies.js';

const study = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'study.json'), '{}');
  return dir;
};

describe('finding the studies below a folder', () => {
  it('finds them up to four levels down, follows links to folders (skipped in silence before), a link back up does not loop, and a broken link is said', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-find-'));
    const campaign = join(root, 'campaign');
    const deep = study(join(campaign, 'a', 'b', 'c', 'cell1'));
    const shallow = study(join(campaign, 'cell0'));
    study(join(campaign, 'a', 'b', 'c', 'd', 'cell-too-deep'));
    const elsewhere = study(join(root, 'elsewhere', 'cell2'));
    symlinkSync(elsewhere, join(campaign, 'linked'));
    symlinkSync(campaign, join(campaign, 'a', 'loop'));
    symlinkSync(join(root, 'nowhere'), join(campaign, 'broken'));
    // Two links to each other: a loop no stat can follow.
    symlinkSync(join(campaign, 'loop-b'), join(campaign, 'loop-a'));
    symlinkSync(join(campaign, 'loop-a'), join(campaign, 'loop-b'));
    const skipped: string[] = [];
    expect(await findStudies(campaign, (note) => skipped.push(note))).toEqual([join(campaign, 'a', 'b', 'c', 'cell1'), shallow, join(campaign, 'linked')]);
    // The broken link is said (it was skipped in silence), by its path and where it pointed.
    expect(skipped).toEqual([
      `${join(campaign, 'broken')}: a link to ${join(root, 'nowhere')}, which does not exist: skipped`,
      `${join(campaign, 'loop-a')}: a link to ${join(campaign, 'loop-b')}, which cannot be followed (ELOOP): skipped`,
      `${join(campaign, 'loop-b')}: a link to ${join(campaign, 'loop-a')}, which cannot be followed (ELOOP): skipped`,
    ]);
    expect(deep).toBe(join(campaign, 'a', 'b', 'c', 'cell1'));
  });

  it('takes a folder with a study.json, or a study.json itself, as one study', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-find-'));
    const one = study(join(root, 'cell'));
    expect(await findStudies(one)).toEqual([one]);
    expect(await findStudies(join(one, 'study.json'))).toEqual([join(one, 'study.json')]);
  });
});
