import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { runCli } from '../helpers/cli.js';
import { watchAllocations } from '../helpers/fuzz.js';

const SIDE = 8192;
// FEI/Thermo metadata: the pixel size and the image rows (the data bar's top), so nothing printed needs the pixels.
const FEI = ['[System]', 'SystemType="Helios"', '[Scan]', 'PixelWidth=2.5e-09', '[Image]', `ResolutionX=${SIDE}`, `ResolutionY=${SIDE - 512}`, '[Stage]', 'StageT=0.6981'].join('\r\n');

/** MiB. */
const MIB = 1 << 20;

describe('strata info on a large SEM image', () => {
  it('reads its tags and sidecar, not its pixels (8192 × 8192 × 16 bit: 128 MiB decoded)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-info-sem-'));
    const file = join(dir, 'large.tif');
    // Deflate-compressed zeros: a small file that would decode to 128 MiB.
    writeFileSync(file, writeTiff([{ width: SIDE, height: SIDE, data: new Uint16Array(SIDE * SIDE), extraTags: [{ tag: 34682, type: 'ascii', value: FEI }] }], { compression: 'deflate', deflateLevel: 1, stripBytes: 1 << 20 }));
    // Decoding allocates the image (128 MiB), whichever way it is decoded (geotiff, or the strips straight into it).
    const { result: r, largestBytes } = await watchAllocations(() => runCli(['info', '--json', file]));
    expect(r!.stderr).toBe('');
    expect(r!.code).toBe(0);
    expect(JSON.parse(r!.stdout)).toEqual([
      expect.objectContaining({ kind: 'sem', width: SIDE, height: SIDE - 512, dataBarRows: 512, bitsPerSample: 16, pixelSizeNm: 2.5, pixelSizeSource: 'metadata', instrument: 'Helios' }),
    ]);
    expect(largestBytes).toBeLessThan(32 * MIB);
  });

  it('decodes an image whose printed facts need its pixels (a data bar no metadata sizes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-info-sem-'));
    const file = join(dir, 'plain.tif');
    // 48 MiB decoded from a Deflate file of a few hundred kB.
    const [width, height] = [8192, 6144];
    writeFileSync(file, writeTiff([{ width, height, data: new Uint8Array(width * height).map((_, i) => (i * 37) % 251) }], { compression: 'deflate' }));
    const { result: r, largestBytes } = await watchAllocations(() => runCli(['info', '--json', file]));
    expect(r!.code).toBe(0);
    expect(JSON.parse(r!.stdout)).toEqual([expect.objectContaining({ kind: 'sem', width, height, dataBarRows: 0 })]);
    // The watch sees decoding where it happens: the test above does not pass for want of it.
    expect(largestBytes).toBeGreaterThanOrEqual(48 * MIB);
  });
});
