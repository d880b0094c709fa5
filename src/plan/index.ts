// plan/: compiles a resolved topology (or a runtime change to one) into ordered kernel operations, each with
// its undo; pure and deterministic — same input, byte-identical plan; no clock, no randomness, no I/O.
export { compilePlan } from './compile.js';
export { renderPlan } from './render.js';
export { shapingOps, impairmentSummary, netemLimitPackets, htbQuantumBytes } from './shape.js';
export { blackholeTable, compileImpairChange, compileLinkState, type Direction, type LinkState } from './change.js';
export { directionOps, offloadOps, netemArgs } from './shape.js';
export { requiredQdiscs, impairmentNeeds, requiredKernelFeatures, describeFeature, modulesFor, FEATURE_MODULE, type QdiscNeed, type FeatureNeed, type KernelFeature } from './requirements.js';
