/**
 * Finds a vendor data bar under the image when the metadata does not say where it starts
 * (Zeiss, and any vendor whose metadata is missing). A data bar is a band at the bottom whose
 * rows are mostly one flat grey (its background) with text and lines on it; image rows, even
 * dark ones, are noisy, so few of their pixels share one value.
 *
 * Rule: walk up from the bottom (skipping up to 2 stray rows: a Zeiss file ends with one image
 * row under its data zone) while at least half of a row's pixels share its most common value.
 * Accept the band when it is 8 rows or more, at most a quarter of the image, and contains
 * text (some row is not entirely flat); a flat bottom region is then image, not a bar.
 */
export function detectDataBarRows(pixels: ArrayLike<number>, width: number, height: number): number {
  const flatShare = (y: number): number => {
    const counts = new Map<number, number>();
    let best = 0;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const v = pixels[i];
      const c = (counts.get(v) ?? 0) + 1;
      counts.set(v, c);
      if (c > best) best = c;
    }
    return best / width;
  };
  const maxBar = Math.floor(height / 4);
  for (let skip = 0; skip <= 2; skip++) {
    let y = height - 1 - skip;
    let textRows = 0;
    while (y >= 0 && height - 1 - skip - y <= maxBar) {
      const share = flatShare(y);
      if (share < 0.5) break;
      if (share < 0.99) textRows++;
      y--;
    }
    const top = y + 1;
    const bar = height - top;
    if (y >= 0 && bar - skip >= 8 && bar <= maxBar && textRows > 0) return bar;
  }
  return 0;
}
