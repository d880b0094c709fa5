// The reach matrix lives in api/reach.ts (lab.reach, lab.reachPairs and the scenario step share it); these names stay
// importable from here for the scenario room.
export { nodeAddress, reachTargets, type ReachPair } from '../api/reach.js';
