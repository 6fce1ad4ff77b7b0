import type { SemImage } from '../../core/model/semImage.js';

/**
 * Synthetic cross-sections with known truth for the analysis tests. The face is drawn in its
 * own coordinates (nm) and projected into the image as the SEM sees it: X = x·p and
 * Y = y·p / cos θ (tilt foreshortens the vertical), the layers rotated in the face by
 * `rotationDeg`. Edges are blurred (erf, `blurNm`), Gaussian noise added, values clamped.
 */
export interface SyntheticSection {
  width: number;
  height: number;
  pixelSizeNm: number;
  tiltDeg?: number;
  rotationDeg?: number;
  /** Depth of the stack's top surface below the image's top edge, along the layer normal, nm. */
  topNm: number;
  thicknessesNm: number[];
  /** Grey level above the stack, of each layer, and of what lies under the last one. */
  levels: number[];
  noise?: number;
  blurNm?: number;
  seed?: number;
  /** Per-column waviness of the interfaces (nm amplitude): thickness varies along the layer. */
  roughnessNm?: number;
}

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: plenty for drawing test images.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export function gaussianRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function syntheticSection(o: SyntheticSection): SemImage {
  const cosT = Math.cos(((o.tiltDeg ?? 0) * Math.PI) / 180);
  const phi = ((o.rotationDeg ?? 0) * Math.PI) / 180;
  const rand = gaussianRandom(o.seed ?? 7);
  const bounds: number[] = [o.topNm];
  for (const t of o.thicknessesNm) bounds.push(bounds[bounds.length - 1] + t);
  const blur = o.blurNm ?? o.pixelSizeNm;
  const pixels = new Float32Array(o.width * o.height);
  const cx = (o.width * o.pixelSizeNm) / 2;
  for (let y = 0; y < o.height; y++) {
    for (let x = 0; x < o.width; x++) {
      const X = x * o.pixelSizeNm - cx;
      const Y = (y * o.pixelSizeNm) / cosT;
      const V = -X * Math.sin(phi) + Y * Math.cos(phi);
      let v = o.levels[0];
      bounds.forEach((b, i) => {
        const wobble = o.roughnessNm ? o.roughnessNm * Math.sin(x / 23 + i * 1.7) : 0;
        v += (o.levels[i + 1] - o.levels[i]) * 0.5 * (1 + erf((V - b - wobble) / (Math.SQRT2 * blur)));
      });
      v += (o.noise ?? 0) * rand();
      pixels[y * o.width + x] = Math.max(0, Math.min(255, v));
    }
  }
  return {
    kind: 'semImage',
    source: { fileName: 'synthetic.tif', format: 'tiff' },
    width: o.width,
    height: o.height,
    pixels,
    bitsPerSample: 32,
    pixelSizeNm: o.pixelSizeNm,
    pixelSizeSource: 'metadata',
    tiltDeg: o.tiltDeg ?? 0,
    dataBarRows: 0,
    metadata: {},
  };
}
