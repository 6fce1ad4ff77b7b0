/**
 * Where two byte arrays first differ: -1 when they are the same bytes, else the first offset
 * that differs (the shorter's length where one is a prefix of the other). `expect(a).toEqual(b)`
 * walks megabyte arrays element by element through its matchers (~8 s for 1.6 MB here); this
 * compares them in native code and still says where they part.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length === b.length && Buffer.compare(a, b) === 0) return -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
