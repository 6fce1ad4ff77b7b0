import { textWidthPt } from './style.js';
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

/** The unit a length is written in: nm below 1 µm, µm below 1 mm, mm above; with nm per unit. */
export function lengthUnit(nm: number): { unit: 'nm' | 'µm' | 'mm'; nmPerUnit: number } {
  if (Math.abs(nm) >= 1e6) return { unit: 'mm', nmPerUnit: 1e6 };
  if (Math.abs(nm) >= 1e3) return { unit: 'µm', nmPerUnit: 1e3 };
  return { unit: 'nm', nmPerUnit: 1 };
}

export function formatLengthNm(nm: number): string {
  const { unit, nmPerUnit } = lengthUnit(nm);
  return `${+(nm / nmPerUnit).toPrecision(3)} ${unit}`;
}

/**
 * A scale bar for an image drawn `imageWidthPt` wide that spans `imageWidthNm`: about a fifth
 * of the width, placed bottom-right, white on a dark box so it reads on any image. `qualifier`
 * follows the length in brackets ("500 nm (horizontal)"), e.g. where the image's vertical scale
 * differs (a tilted view).
 */
export function scaleBar(opts: { x: number; y: number; imageWidthPt: number; imageWidthNm: number; qualifier?: string }): string {
  const lengthNm = niceLengthNm(opts.imageWidthNm / 5);
  const lengthPt = (lengthNm / opts.imageWidthNm) * opts.imageWidthPt;
  const label = formatLengthNm(lengthNm) + (opts.qualifier ? ` (${opts.qualifier})` : '');
  const pad = 2;
  // The box holds the label too: on a narrow map "20 µm" is wider than its bar.
  const boxW = Math.max(lengthPt, textWidthPt(label, TYPE.smallPt)) + 2 * pad;
  return el(
    'g',
    { class: 'scale-bar', 'data-length-nm': lengthNm },
    el('rect', { x: opts.x - boxW, y: opts.y - TYPE.smallPt - 6, width: boxW, height: TYPE.smallPt + 6 + pad, fill: 'black', 'fill-opacity': 0.55 }),
    el('rect', { x: opts.x - boxW / 2 - lengthPt / 2, y: opts.y - 3, width: lengthPt, height: 1.6, fill: 'white' }),
    text(opts.x - boxW / 2, opts.y - 4.5, label, { 'text-anchor': 'middle', fill: 'white', 'font-size': TYPE.smallPt }),
  );
}
