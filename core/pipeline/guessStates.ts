/**
 * Guesses the cell state of each file from its path (folder and file names) when a study has
 * no manifest. Returns the state per path and the reason, so the guess can be reported.
 */
export interface StateGuess {
  path: string;
  state: string | null;
  /** The word in the path that decided it, e.g. `chg`. */
  matched: string | null;
}

// Order matters: "discharged" contains "charged", so discharge patterns are tried first.
const STATE_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['discharged', /(?:^|[^a-z])(discharged?|dischg|dchg|dis|dc)(?=$|[^a-z])/],
  ['charged', /(?:^|[^a-z])(charged?|chg|chrg|ch)(?=$|[^a-z])/],
  ['pristine', /(?:^|[^a-z])(pristine|fresh|as[-_ ]?(?:prepared|deposited|dep)|uncycled|ref(?:erence)?)(?=$|[^a-z])/],
  ['stored', /(?:^|[^a-z])(stored|aged)(?=$|[^a-z])/],
];

const CYCLED = /(?:^|[^a-z])(?:cycled?|cyc|cycle)[-_ ]?(\d+)(?=$|[^a-z0-9])/;

export function guessState(path: string): StateGuess {
  // Later path segments (file name) win over folders: test them first.
  const segments = path.toLowerCase().split(/[\\/]/).reverse();
  for (const segment of segments) {
    const name = segment.replace(/\.[a-z0-9]+$/, '');
    const cycled = CYCLED.exec(name);
    if (cycled) return { path, state: `cycled-${Number(cycled[1])}`, matched: cycled[0].replace(/^[^a-z]/, '') };
    for (const [state, pattern] of STATE_PATTERNS) {
      const m = pattern.exec(name);
      if (m) return { path, state, matched: m[1] };
    }
  }
  return { path, state: null, matched: null };
}

export function guessStates(paths: string[]): StateGuess[] {
  return paths.map(guessState);
}
