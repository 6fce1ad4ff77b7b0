import { describe, expect, it } from 'vitest';
import { ionStackFromArrays } from '../../core/model/ionStack.js';
import { assertSaneAllocation, FormatError } from '../../core/model/errors.js';
import { compareStates } from '../../core/model/study.js';
import { PAPER_ANODE_FREE, STACK_PRESETS, DEFAULT_STACK_ID } from '../../core/model/layerStack.js';

describe('in-memory ion stack', () => {
  const scans = 3, height = 2, width = 4;
  const volume = Float32Array.from({ length: scans * height * width }, (_, i) => i);
  const stack = ionStackFromArrays({
    source: { fileName: 'mem', format: 'memory' },
    ions: [{ label: 'Li-', mz: 7.016 }],
    scans, height, width,
    volumes: [volume],
  });

  it('returns y × x planes with x fastest', async () => {
    const plane = await stack.readPlane(0, 2);
    expect(plane.shape).toEqual([2, 4]);
    expect(plane.get(0, 0)).toBe(16);
    expect(plane.get(1, 3)).toBe(23);
  });

  it('gives the caller its own copy', async () => {
    const plane = await stack.readPlane(0, 0);
    plane.set(0, 0, -1);
    expect((await stack.readPlane(0, 0)).get(0, 0)).toBe(0);
  });

  it('rejects planes outside the stack', async () => {
    await expect(stack.readPlane(1, 0)).rejects.toThrow(/ion index 1/);
    await expect(stack.readPlane(0, 3)).rejects.toThrow(/scan index 3/);
  });

  it('rejects volumes of the wrong size', () => {
    expect(() => ionStackFromArrays({ source: { fileName: 'x', format: 'm' }, ions: [{ label: 'a', mz: 1 }], scans: 2, height: 2, width: 2, volumes: [new Float32Array(7)] })).toThrow(/expected 2×2×2/);
  });
});

describe('model helpers', () => {
  it('orders states pristine, charged, discharged, then cycled-N numerically', () => {
    const states = ['cycled-10', 'discharged', 'stored', 'cycled-2', 'pristine', 'charged'];
    expect([...states].sort(compareStates)).toEqual(['pristine', 'charged', 'discharged', 'cycled-2', 'cycled-10', 'stored']);
  });

  it('has the paper cell as the default preset, top-down with the DOMAIN roles', () => {
    expect(STACK_PRESETS[DEFAULT_STACK_ID]).toBe(PAPER_ANODE_FREE);
    expect(PAPER_ANODE_FREE.layers.map((l) => l.role)).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    expect(PAPER_ANODE_FREE.layers.map((l) => l.label)).toEqual(['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'SiO2/Si']);
    expect(PAPER_ANODE_FREE.layers.every((l) => l.markerIons.length > 0)).toBe(true);
  });

  it('refuses absurd allocations before making them', () => {
    expect(() => assertSaneAllocation('f.tif', 'plane', 1e12, 4)).toThrow(FormatError);
    expect(() => assertSaneAllocation('f.tif', 'plane', -1, 4)).toThrow(/impossible/);
    expect(() => assertSaneAllocation('f.tif', 'plane', 1024, 4)).not.toThrow();
  });

  it('names the file and line in format errors', () => {
    expect(new FormatError('a.txt', 'bad cell', { line: 7 }).message).toBe('a.txt:7: bad cell');
    expect(new FormatError('a.tif', 'bad IFD', { offset: 1024 }).message).toBe('a.tif @1024: bad IFD');
  });
});
