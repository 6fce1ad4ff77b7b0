/** A round scale-bar length (1, 2 or 5 × 10^k nm) close to `targetNm`. */
export function niceLengthNm(targetNm: number): number {
  if (!(targetNm > 0) || !Number.isFinite(targetNm)) return 0;
  const p = 10 ** Math.floor(Math.log10(targetNm));
  const m = targetNm / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

export function formatLengthNm(nm: number): string {
  if (nm >= 1e6) return `${+(nm / 1e6).toPrecision(3)} mm`;
  if (nm >= 1e3) return `${+(nm / 1e3).toPrecision(3)} µm`;
  return `${+nm.toPrecision(3)} nm`;
}
