import type { SemImagePayload } from '../../../core/api/contract.js';
import { MAX_TILT_DEG } from '../../../core/sem/tilt.js';

/**
 * The SEM view's words on the cross-section's geometry: how the face was made and the view
 * angle θ (beam vs face normal) that the thickness table's vertical distances are corrected for
 * (core/sem/crossSection.ts takes θ as given, else from the stage tilt T by the face: cleaved
 * θ = T, FIB trench θ = 90° − |T|). Pure, so the wording is tested without a page.
 */

/** The view angle typed in, degrees: undefined when left empty (θ from the stage tilt), null when it is no angle the correction takes. */
export function parseViewAngle(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  const deg = Number(text);
  return Number.isFinite(deg) && Math.abs(deg) <= MAX_TILT_DEG ? deg : null;
}

const deg = (d: number): string => `${+d.toFixed(2)}°`;
const CORRECTED = 'vertical distances are corrected in the thickness table';

/**
 * What θ the thicknesses were corrected for and where it came from. `setHere`: the state's
 * geometry was chosen in the workbench (else it is study.json's, or the defaults).
 */
export function geometryNotes(img: Pick<SemImagePayload, 'tiltDeg' | 'section' | 'viewAngleDeg'>, setHere: boolean): string[] {
  const stage = img.tiltDeg ?? 0;
  const from = (field: string): string => (setHere ? 'set here' : `study.json "${field}"`);
  if (img.viewAngleDeg !== null) {
    const theta = img.viewAngleDeg;
    const unused = stage ? `; the stage tilt ${deg(stage)} is not used` : '';
    return [`View angle θ = ${deg(theta)} (${from('semTiltDeg')})${unused}: ${theta ? CORRECTED : 'the face is seen square-on, nothing to correct'}.`];
  }
  const T = Math.abs(stage);
  if (img.section === 'fib-trench') return [`FIB trench face (${from('semSection')}) at stage tilt ${deg(T)}: seen at 90° − T = ${deg(90 - T)}; ${CORRECTED}.`];
  const notes: string[] = [];
  if (img.section === 'cleaved') notes.push(`Cleaved face (${from('semSection')})${stage ? ` at stage tilt ${deg(stage)}: seen at θ = T; ${CORRECTED}` : ', seen square-on'}.`);
  else if (stage) notes.push(`Stage tilt ${deg(stage)}: ${CORRECTED}.`);
  // As measureCrossSection warns: unless someone said how the face was made, the stage tilt is the view angle of a cleaved face.
  if (img.section === null && T >= 30) {
    notes.push(`The stage tilt is taken as the angle between the beam and the face normal (a cleaved face); a FIB trench face viewed at stage tilt T is seen at 90° − T = ${deg(90 - T)}: if this is one, choose “FIB trench” as the cross-section face.`);
  }
  return notes;
}
