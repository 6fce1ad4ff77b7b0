/**
 * Measures a burned-in scale bar: a thin (1–12 rows) horizontal line of extreme grey level
 * (the brightest or darkest value of the region) between 20 px and 70 % of the width long,
 * with no such pixels directly above and below it over its length (which rejects text, box
 * borders and bright blocks). Returns the longest such bar's length in pixels, or null.
 *
 * `rowStart`/`rowEnd` bound the search: the data bar when there is one, else the bottom of
 * the image where software draws its overlay.
 */
export function measureScaleBarPx(pixels: ArrayLike<number>, width: number, rowStart: number, rowEnd: number): { lengthPx: number; row: number; x0: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = rowStart * width; i < rowEnd * width; i++) {
    const v = pixels[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return null;
  let best: { lengthPx: number; row: number; x0: number } | null = null;
  for (const polarity of [1, -1] as const) {
    const threshold = polarity > 0 ? hi - 0.1 * (hi - lo) : lo + 0.1 * (hi - lo);
    const on = (x: number, y: number): boolean => (polarity > 0 ? pixels[y * width + x] >= threshold : pixels[y * width + x] <= threshold);
    for (let y = rowStart; y < rowEnd; y++) {
      let x = 0;
      while (x < width) {
        if (!on(x, y)) {
          x++;
          continue;
        }
        const x0 = x;
        while (x < width && on(x, y)) x++;
        const len = x - x0;
        if (len < 20 || len > 0.7 * width || (best && len <= best.lengthPx)) continue;
        // Only the bar's top row starts a candidate; the bar then spans ≤ 12 rows of the same run.
        const sameRun = (yy: number): number => {
          let n = 0;
          for (let xx = x0; xx < x0 + len; xx++) if (on(xx, yy)) n++;
          return n / len;
        };
        if (y > rowStart && sameRun(y - 1) > 0.5) continue;
        let thick = 1;
        while (y + thick < rowEnd && sameRun(y + thick) > 0.9) thick++;
        if (thick > 12) continue;
        if (y + thick < rowEnd && sameRun(y + thick) > 0.5) continue;
        best = { lengthPx: len, row: y, x0 };
      }
    }
  }
  return best;
}
