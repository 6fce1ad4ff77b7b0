import { describe, expect, it } from 'vitest';
import { parseSize, planLargeStack } from '../../samples/gen/large.js';

describe('large benchmark stacks', () => {
  it('parses sizes in powers of 1024', () => {
    expect(parseSize('64MB')).toBe(64 * 2 ** 20);
    expect(parseSize('512mb')).toBe(512 * 2 ** 20);
    expect(parseSize('2GB')).toBe(2 * 2 ** 30);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('1000')).toBe(1000);
    expect(() => parseSize('big')).toThrow(/64MB/);
  });

  it('plans a stack close to the requested size that classic TIFF can hold', () => {
    for (const size of ['64MB', '512MB', '2GB']) {
      const target = parseSize(size);
      const plan = planLargeStack(target);
      expect(plan.bytes).toBe(plan.width * plan.height * 2 * plan.channels * plan.scans);
      expect(Math.abs(plan.bytes - target) / target).toBeLessThan(0.05);
      expect(plan.scans).toBeGreaterThanOrEqual(100);
      expect(plan.scans).toBeLessThanOrEqual(600);
    }
    expect(() => planLargeStack(parseSize('5GB'))).toThrow(/4 GiB/);
  });
});
