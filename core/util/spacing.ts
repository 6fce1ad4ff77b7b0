/** The median spacing of an axis of roughly even steps (a few gaps or repeats apart); 0 for fewer than two points. */
export function medianSpacing(axis: ArrayLike<number>): number {
  const n = axis.length;
  if (n < 2) return 0;
  const d: number[] = [];
  for (let i = 1; i < n; i++) d.push(axis[i] - axis[i - 1]);
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}
