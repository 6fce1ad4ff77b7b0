import { describe, expect, it } from 'vitest';
import { modelGradient, modelValue, shapesPerPoint } from '../../core/xrd/fit.js';
import type { ModelLayout } from '../../core/xrd/fit.js';
import { gaussian, pseudoVoigt } from '../../core/xrd/profile.js';

// The fit's model and its analytic gradient, as the fit uses them: every point's value computed
// first (its shapes kept side by side, a stride a point), then every point's gradient made from
// the shapes kept for it.

const layout: ModelLayout = { nPeaks: 2, nBg: 3, hump: true, origin: 30, alpha2: { ratio: 0.5, alpha1A: 1.5406, alpha2A: 1.54443 } };
// [c, w, A, η] × 2, background c0 c1 c2, hump [centre, FWHM, area].
const params = [29.1, 0.31, 42, 0.35, 30.4, 0.52, 17, 0.8, 3.1, -0.21, 0.014, 30.8, 6.5, 55];
/** Each peak's Kα2 position, a function of its centre (with ∂/∂c, as the fit's alpha2Positions gives them). */
const a2Of = (p: number[]): Array<[number, number]> => [0, 1].map((k) => [p[4 * k] * 1.0025 + 0.01, 1.0025] as [number, number]);
const xs = Array.from({ length: 241 }, (_, i) => 24 + i * 0.05);

/** The model by its definition, from profile.ts's shapes. */
function byDefinition(p: number[], x: number): number {
  let y = 0;
  const a2 = a2Of(p);
  for (let k = 0; k < 2; k++) {
    const [c, w, a, eta] = p.slice(4 * k, 4 * k + 4);
    y += a * pseudoVoigt(x, c, w, eta) + layout.alpha2!.ratio * a * pseudoVoigt(x, a2[k][0], w, eta);
  }
  const t = x - layout.origin;
  y += p[8] + p[9] * t + p[10] * t * t;
  return y + p[13] * gaussian(x, p[11], p[12]);
}

describe('XRD fit model', () => {
  const stride = shapesPerPoint(layout);
  const shapes = new Float64Array(xs.length * stride);
  const values = xs.map((x, i) => modelValue(params, layout, a2Of(params), x, shapes, i * stride));

  it('is two pseudo-Voigts with their Kα2 companions, a quadratic and a Gaussian hump', () => {
    xs.forEach((x, i) => expect(Math.abs(values[i] - byDefinition(params, x))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(values[i]))));
  });

  it("has the gradient of central differences, made from each point's kept shapes", () => {
    const grad = new Array<number>(params.length).fill(0);
    const scratch = new Float64Array(stride);
    xs.forEach((x, i) => {
      modelGradient(params, layout, a2Of(params), x, shapes, i * stride, grad);
      params.forEach((p, j) => {
        const h = 1e-6 * Math.max(1, Math.abs(p));
        const up = params.slice();
        const down = params.slice();
        up[j] += h;
        down[j] -= h;
        const numeric = (modelValue(up, layout, a2Of(up), x, scratch, 0) - modelValue(down, layout, a2Of(down), x, scratch, 0)) / (2 * h);
        expect(Math.abs(grad[j] - numeric), `∂/∂p${j} at ${x.toFixed(2)}°`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
      });
    });
  });
});
