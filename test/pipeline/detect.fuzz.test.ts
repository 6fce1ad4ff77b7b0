import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, FORMATS } from '../../core/io/detect.js';
import { FUZZ_RUNS, MAX_MS_PER_INPUT } from '../helpers/fuzz.js';

// Hostile input (issue 7) for format detection: any name and any first bytes give one of the
// known format ids, never an exception, quickly (it runs on every file of a study folder).

const EXTENSIONS = ['.txt', '.tif', '.tiff', '.imzML', '.ibd', '.ras', '.rasx', '.asc', '.xrdml', '.brml', '.raw', '.xy', '.xye', '.csv', '.dat', '.json', 'study.json', '.strata.json', ''];
const MAGICS = ['II*\0', 'MM\0*', 'II+\0', 'MM\0+', 'PK\x03\x04', 'RAW1.01', 'RAW4.00', 'RAW ', '*RAS_DATA_START', '<xrdMeasurements', '*START = 1', '$CM_FORMAT', '$$SM_', '[SemImageFile]', '\xff\xfe', '\xfe\xff', '\xef\xbb\xbf', 'Sputter Time', '1 2\n3 4\n5 6\n'];

const nameArb = fc.tuple(fc.string({ maxLength: 300 }), fc.constantFrom(...EXTENSIONS), fc.boolean()).map(([base, ext, upper]) => (upper ? (base + ext).toUpperCase() : base + ext));
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 8192 }),
  fc.tuple(fc.constantFrom(...MAGICS), fc.uint8Array({ maxLength: 4096 })).map(([magic, rest]) => {
    const head = Uint8Array.from(magic, (c) => c.charCodeAt(0));
    const out = new Uint8Array(head.length + rest.length);
    out.set(head);
    out.set(rest, head.length);
    return out;
  }),
  // Long numeric-looking text, long lines and only newlines: the slow paths of the regexes.
  fc.tuple(fc.constantFrom('1', ' ', '\n', '1,', '-', 'e', '+', '.', '*', '\r\n', '#'), fc.integer({ min: 1, max: 65536 })).map(([piece, n]) => new TextEncoder().encode(piece.repeat(n))),
);

describe('hostile input: detectFormat', () => {
  it(`never throws: ${FUZZ_RUNS} random names and first bytes`, () => {
    let tried = 0;
    let slowest = 0;
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(nameArb, bytesArb, (name, bytes) => {
        tried++;
        const t0 = performance.now();
        const id = detectFormat(name, bytes);
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(Object.keys(FORMATS)).toContain(id);
        expect(ms).toBeLessThan(MAX_MS_PER_INPUT);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }),
      { numRuns: FUZZ_RUNS },
    );
    console.log(`[fuzz] detectFormat: ${tried} inputs tried, none threw, slowest ${slowest.toFixed(0)} ms; ids ${[...seen].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(tried).toBe(FUZZ_RUNS);
  });
});
