import type { XrdPayload } from '../../../core/api/contract.js';
import type { Report } from '../../../core/model/report.js';
import type { XrdPattern } from '../../../core/model/xrdPattern.js';
import { prepareWaterfall, traceMasks } from '../../../core/xrd/waterfall.js';
import type { TraceMasks, WaterfallTrace } from '../../../core/xrd/waterfall.js';

/**
 * The patterns as the exported figure has them: cropped to their common range with the ranges
 * masked blanked (NaN), by the figure's own `prepareWaterfall`, left in raw intensity (the view
 * stacks them itself), and their masks sorted for shading as the figure sorts them. Each
 * pattern's masks are those its analysis applied (the report's); without a report, or from one
 * that predates them, the substrate masks where the first pattern's wavelength and optics put
 * them (a monochromator leaves no Kβ line or filter edge to mask).
 */
export function maskedPatterns(d: XrdPayload, report: Report | null): TraceMasks & { traces: WaterfallTrace[] } {
  // prepareWaterfall reads only a pattern's axis, intensities, wavelength and optics.
  const states = d.patterns.map((p) => ({
    label: p.state,
    pattern: { twoThetaDeg: Float64Array.from(p.twoThetaDeg), intensity: Float64Array.from(p.intensity), wavelength: p.wavelengthA ? { alpha1A: p.wavelengthA } : null, optics: p.optics ?? undefined } as XrdPattern,
    masks: report?.states.find((s) => s.state === p.state)?.xrd?.masks,
  }));
  const traces = prepareWaterfall(states, { normalise: 'none', offset: 0, phases: [] }).traces;
  return { ...traceMasks(traces), traces };
}
