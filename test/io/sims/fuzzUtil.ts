// The fuzz helpers moved to test/helpers/fuzz.ts so every reader's hostile-input test shares them.
export { allocBound, applyMutation, FUZZ_RUNS, FuzzTally, MAX_MS_PER_INPUT, mutationArb } from '../../helpers/fuzz.js';
export type { Mutation } from '../../helpers/fuzz.js';
