/**
 * The seedable PRNG of generated fixtures, benchmark tables and the demo world: the engine's
 * own (mulberry32), so every run draws the same numbers.
 */
export { seededRandom as mulberry32 } from '../../server/engine/sampling';
