import type { SectionGeometry } from './semImage.js';
import type { LayerStack } from './layerStack.js';

/** States in the order scientists expect them; unknown states sort after, by name. */
export const STATE_ORDER = ['pristine', 'charged', 'discharged'] as const;

export type DatasetKind = 'sims-profile' | 'sims-stack' | 'xrd' | 'sem' | 'unknown';

export interface StudyFile {
  /** Path relative to the study folder, forward slashes. */
  path: string;
  kind: DatasetKind;
  /** Format id from detectFormat. */
  format: string;
}

export interface StudyState {
  state: string;
  files: StudyFile[];
  /** Per-state instrument parameters (e.g. `shotsPerPixel` for dead time). */
  sims?: { shotsPerPixel?: number; rasterPixels?: number };
  /** SEM view angle θ of this state's cross-section (beam vs face normal), degrees, overriding the image's tilt. */
  semTiltDeg?: number;
  /** How its cross-section face was made: how the image's stage tilt becomes θ (default cleaved). */
  semSection?: SectionGeometry;
}

/** The cross-section options a state's settings give (its view angle, its section geometry). */
export function semViewOf(s: { semTiltDeg?: number; semSection?: SectionGeometry } | undefined): { tiltDeg?: number; section?: SectionGeometry } {
  return { tiltDeg: s?.semTiltDeg, section: s?.semSection };
}

export interface Study {
  name: string;
  /** Absolute folder path the file paths are relative to. */
  root: string;
  stack: LayerStack;
  states: StudyState[];
  /** How the study was put together: `manifest`, or `guessed` from file names. */
  origin: 'manifest' | 'guessed';
  /** Human-readable notes on what was guessed or skipped. */
  notes: string[];
}

/** A value from a file or the user as quoted in a message: long ones cut, so a message stays one line. */
export const quoted = (value: string): string => `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'`;

/** States a message names at most. */
const MAX_STATES_SHOWN = 10;

/**
 * Why `state` cannot be a study's reference state — "'as-deposited' is not one of the states
 * (pristine, charged)", naming the first few — or null where it is one of `states`. study.json's
 * referenceState, `--reference` and the workbench's choice are refused in the same words.
 */
export function notAStateOf(states: readonly string[], state: string): string | null {
  if (states.includes(state)) return null;
  return `${quoted(state)} is not one of the states (${states.slice(0, MAX_STATES_SHOWN).join(', ')}${states.length > MAX_STATES_SHOWN ? ', …' : ''})`;
}

/** Sort key that puts pristine, charged, discharged first, then cycled-N by N, then the rest. */
export function compareStates(a: string, b: string): number {
  const rank = (s: string): number => {
    const i = (STATE_ORDER as readonly string[]).indexOf(s);
    return i >= 0 ? i : STATE_ORDER.length;
  };
  return rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true });
}
