import { el, text, TYPE } from './svg.js';

/** The longest 1-2-5 × 10ⁿ length not above `maxNm`: scale bars read 1 µm, 200 nm, 50 µm… */
export function niceLengthNm(maxNm: number): number {
  const exp = Math.floor(Math.log10(maxNm));
  for (const m of [5, 2, 1]) {
    const v = m * 10 ** exp;
    if (v <= maxNm) return v;
  }
  return 10 ** exp;
}

export function formatLengthNm(nm: number): string {
  if (nm >= 1e6) return `${+(nm / 1e6).toPrecision(3)} mm`;
  if (nm >= 1e3) return `${+(nm / 1e3).toPrecision(3)} µm`;
  return `${+nm.toPrecision(3)} nm`;
}

/**
 * A scale bar for an image drawn `imageWidthPt` wide that spans `imageWidthNm`: about a fifth
 * of the width, placed bottom-right, white on a dark box so it reads on any image.
 */
export function scaleBar(opts: { x: number; y: number; imageWidthPt: number; imageWidthNm: number }): string {
  const lengthNm = niceLengthNm(opts.imageWidthNm / 5);
  const lengthPt = (lengthNm / opts.imageWidthNm) * opts.imageWidthPt;
  const label = formatLengthNm(lengthNm);
  const pad = 2;
  return el(
    'g',
    { class: 'scale-bar', 'data-length-nm': lengthNm },
    el('rect', { x: opts.x - lengthPt - 2 * pad, y: opts.y - TYPE.smallPt - 6, width: lengthPt + 2 * pad, height: TYPE.smallPt + 6 + pad, fill: 'black', 'fill-opacity': 0.55 }),
    el('rect', { x: opts.x - lengthPt - pad, y: opts.y - 3, width: lengthPt, height: 1.6, fill: 'white' }),
    text(opts.x - pad - lengthPt / 2, opts.y - 4.5, label, { 'text-anchor': 'middle', fill: 'white', 'font-size': TYPE.smallPt }),
  );
}
