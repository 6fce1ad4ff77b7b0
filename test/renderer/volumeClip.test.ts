import { describe, expect, it } from 'vitest';
import { clipChoice, clipDepthReadout, CUSTOM_CLIP, followClipLayer } from '../../renderer/src/views/volumeClip.js';

// The pristine stack's layers as clip fractions, before and after the CAM's top interface was dragged deeper.
const layers = [
  { role: 'sei_se', label: 'SEI/SE', top: 0.1, bottom: 0.3 },
  { role: 'cam', label: 'CAM', top: 0.3, bottom: 0.8 },
];
const dragged = [
  { role: 'sei_se', label: 'SEI/SE', top: 0.1, bottom: 0.42 },
  { role: 'cam', label: 'CAM', top: 0.42, bottom: 0.8 },
];

describe('3-D view: "Clip to" a layer', () => {
  it('the planes follow the layer kept when it moves', () => {
    const kept = { clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cam' };
    expect(followClipLayer(kept, layers)).toBeNull(); // already there
    expect(followClipLayer(kept, dragged)).toEqual({ clipTop: 0.42, clipBottom: 0.8 });
    expect(clipChoice({ ...kept, clipTop: 0.42 }, dragged)).toBe('cam');
  });

  it('planes set by hand, or a layer no longer there, stay where they are', () => {
    expect(followClipLayer({ clipTop: 0.3, clipBottom: 0.8 }, dragged)).toBeNull();
    expect(followClipLayer({ clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cc' }, dragged)).toBeNull();
    // No layers known (no report yet): the layer stays chosen, the select says what the planes are.
    expect(clipChoice({ clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cam' }, [])).toBe(CUSTOM_CLIP);
  });

  it('a project saved before the layer was kept names the layer its planes are, as before', () => {
    expect(clipChoice({ clipTop: 0.302, clipBottom: 0.798 }, layers)).toBe('cam');
    expect(clipChoice({ clipTop: 0.302, clipBottom: 0.798 }, dragged)).toBe(CUSTOM_CLIP); // and does not follow it
    expect(clipChoice({ clipTop: 0, clipBottom: 1 }, layers)).toBe('');
  });
});

describe('3-D view: a clip plane\'s depth read-out', () => {
  it('one number where every state is cut at the same depth (to the nm)', () => {
    const r = clipDepthReadout([
      { state: 'pristine', nm: 350.4 },
      { state: 'charged', nm: 349.6 },
    ]);
    expect(r.text).toBe('350 nm');
    expect(r.title).toBe('pristine: 350 nm, charged: 350 nm');
  });

  it('the range where the states\' layers lie at other depths (a thicker plated anode), each state in the title', () => {
    // Charged's CAM starts 60 nm deeper: the first state's 350 nm alone would be wrong for it.
    const r = clipDepthReadout([
      { state: 'pristine', nm: 350 },
      { state: 'charged', nm: 410.2 },
      { state: 'discharged', nm: 362 },
    ]);
    expect(r.text).toBe('350–410 nm');
    expect(r.title).toBe('pristine: 350 nm, charged: 410 nm, discharged: 362 nm');
  });
});
