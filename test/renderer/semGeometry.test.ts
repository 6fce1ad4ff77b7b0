import { describe, expect, it } from 'vitest';
import { geometryNotes, parseViewAngle } from '../../renderer/src/views/semGeometry.js';
import { withStateOverride } from '../../renderer/src/store.js';

describe('SEM view: the cross-section geometry in words', () => {
  it('before anyone said how the face was made, a steep stage tilt asks for the choice here, not in study.json', () => {
    const notes = geometryNotes({ tiltDeg: 52, section: null, viewAngleDeg: null }, false);
    expect(notes[0]).toBe('Stage tilt 52°: vertical distances are corrected in the thickness table.');
    expect(notes[1]).toMatch(/seen at 90° − T = 38°: if this is one, choose “FIB trench” as the cross-section face\.$/);
    expect(notes.join(' ')).not.toMatch(/study\.json/);
    expect(geometryNotes({ tiltDeg: 10, section: null, viewAngleDeg: null }, false)).toHaveLength(1); // 10° reads alike either way
  });

  it('a face chosen (here or in study.json) says so, and gives no advice', () => {
    expect(geometryNotes({ tiltDeg: 52, section: 'fib-trench', viewAngleDeg: null }, true)).toEqual(['FIB trench face (set here) at stage tilt 52°: seen at 90° − T = 38°; vertical distances are corrected in the thickness table.']);
    expect(geometryNotes({ tiltDeg: -52, section: 'fib-trench', viewAngleDeg: null }, false)[0]).toMatch(/^FIB trench face \(study\.json "semSection"\) at stage tilt 52°: seen at 90° − T = 38°/);
    expect(geometryNotes({ tiltDeg: 52, section: 'cleaved', viewAngleDeg: null }, true)).toEqual(['Cleaved face (set here) at stage tilt 52°: seen at θ = T; vertical distances are corrected in the thickness table.']);
    expect(geometryNotes({ tiltDeg: 0, section: 'cleaved', viewAngleDeg: null }, true)).toEqual(['Cleaved face (set here), seen square-on.']);
  });

  it('a view angle given wins over the stage tilt and the face, and says where it came from', () => {
    expect(geometryNotes({ tiltDeg: 10, section: null, viewAngleDeg: 10 }, false)).toEqual(['View angle θ = 10° (study.json "semTiltDeg"); the stage tilt 10° is not used: vertical distances are corrected in the thickness table.']);
    expect(geometryNotes({ tiltDeg: 52, section: 'fib-trench', viewAngleDeg: 12.5 }, true)).toEqual(['View angle θ = 12.5° (set here); the stage tilt 52° is not used: vertical distances are corrected in the thickness table.']);
    expect(geometryNotes({ tiltDeg: null, section: null, viewAngleDeg: 0 }, true)).toEqual(['View angle θ = 0° (set here): the face is seen square-on, nothing to correct.']);
  });

  it('reads a typed view angle: empty is “from the stage tilt”, beyond ±84° or not a number is refused', () => {
    expect(parseViewAngle('')).toBeUndefined();
    expect(parseViewAngle('  ')).toBeUndefined();
    expect(parseViewAngle('52')).toBe(52);
    expect(parseViewAngle('-84')).toBe(-84);
    expect(parseViewAngle('84.1')).toBeNull();
    expect(parseViewAngle('abc')).toBeNull();
  });
});

describe('withStateOverride: one state’s entry of a per-state override', () => {
  it('sets, replaces and drops an entry; the key goes with its last entry', () => {
    const start = { roi: { x0: 0, y0: 0, x1: 4, y1: 4 }, semPixelSizeNm: { pristine: 5 } };
    const one = withStateOverride(start, 'semGeometry', 'charged', { section: 'fib-trench' });
    expect(one).toEqual({ ...start, semGeometry: { charged: { section: 'fib-trench' } } });
    const two = withStateOverride(one, 'semGeometry', 'charged', { section: 'cleaved', tiltDeg: 12 });
    expect(two.semGeometry).toEqual({ charged: { section: 'cleaved', tiltDeg: 12 } });
    expect(withStateOverride(two, 'semGeometry', 'charged', undefined)).toEqual(start);
    expect(withStateOverride(start, 'semPixelSizeNm', 'pristine', undefined)).toEqual({ roi: start.roi });
    expect(start).toEqual({ roi: { x0: 0, y0: 0, x1: 4, y1: 4 }, semPixelSizeNm: { pristine: 5 } }); // not changed in place
  });
});
