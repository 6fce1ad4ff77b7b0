/**
 * Small dense linear algebra for fitting (a handful of parameters): row-major number[][] in,
 * fresh arrays out. Gauss–Jordan with partial pivoting; null when the matrix is singular.
 */
export function invert(matrix: number[][]): number[][] | null {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    const scale = Math.max(...matrix.map((row) => Math.abs(row[col])), 1e-300);
    if (Math.abs(a[pivot][col]) < 1e-13 * scale) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col];
    for (let j = 0; j < 2 * n; j++) a[col][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col];
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Adds the normal equations' sums of weighted least squares, AᵀWA (upper triangle: k ≥ j) and
 * AᵀWy, each summed over the rows in order, to `ata` and `aty`, over the first `ata.length`
 * columns of the design (its rows may be longer). From column `from` on only: the sums of
 * columns added to a design whose other sums are known, the same numbers as summed with them.
 */
export function addNormalSums(design: readonly (readonly number[])[], y: ArrayLike<number>, weights: ArrayLike<number> | undefined, ata: number[][], aty: number[], from = 0): void {
  const p = ata.length;
  design.forEach((row, i) => {
    const w = weights ? weights[i] : 1;
    for (let j = 0; j < p; j++) {
      if (j >= from) aty[j] += w * row[j] * y[i];
      for (let k = Math.max(j, from); k < p; k++) ata[j][k] += w * row[j] * row[k];
    }
  });
}

/** The coefficients c of (AᵀWA) c = AᵀWy from its sums (upper triangle of AᵀWA); null when singular. */
export function solveNormalSums(ata: number[][], aty: readonly number[]): number[] | null {
  const p = ata.length;
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) ata[j][k] = ata[k][j];
  const inv = invert(ata);
  if (!inv) return null;
  return inv.map((row) => row.reduce((s, v, k) => s + v * aty[k], 0));
}

/** Least squares: solves (AᵀWA) c = AᵀW y for the coefficients c. */
export function leastSquares(design: number[][], y: ArrayLike<number>, weights?: ArrayLike<number>): number[] | null {
  const p = design[0]?.length ?? 0;
  const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const aty = new Array<number>(p).fill(0);
  addNormalSums(design, y, weights, ata, aty);
  return solveNormalSums(ata, aty);
}
