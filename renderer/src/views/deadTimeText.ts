/**
 * What the 2-D and 3-D views' notes say of the dead-time correction: which states are raw and
 * why, and the N each corrected state used. Pure (no DOM): tested alone.
 */

/**
 * The states whose stack came back raw though dead-time correction was asked (`requested`): the
 * stack gives no N (shots per pixel) and study.json sets none, as with imzML. States on one colour
 * scale must hold numbers of one kind, so the 2-D and 3-D views then load every state raw.
 */
export function uncorrectedStates(requested: boolean, results: readonly { state: string; deadTime: { applied: boolean } }[]): string[] {
  return requested ? results.filter((r) => !r.deadTime.applied).map((r) => r.state) : [];
}

/**
 * The N (shots per pixel) of the states' dead-time corrections, for a note: "50" where every
 * corrected state has the same, else each state's ("50 (pristine), 40 (charged)"): states
 * acquired with other settings are corrected each with its own N, and one state's alone would
 * misstate the others'.
 */
export function shotsPerPixelText(states: readonly { state: string; deadTime: { applied: boolean; shotsPerPixel: number | null } }[]): string {
  const corrected = states.filter((s) => s.deadTime.applied && s.deadTime.shotsPerPixel !== null);
  const values = new Set(corrected.map((s) => s.deadTime.shotsPerPixel));
  return values.size <= 1 ? String([...values][0] ?? '') : corrected.map((s) => `${s.deadTime.shotsPerPixel} (${s.state})`).join(', ');
}

/** Why "dead-time corrected" is off and greyed, naming the states without N and where N is set. */
export function noShotsText(states: readonly string[]): string {
  return `Not dead-time corrected: the 3-D stack of ${states.join(', ')} gives no shots per pixel (N), and study.json sets none ("sims": { "shotsPerPixel": N } in the state); every state is shown raw, so that one scale compares them.`;
}
