// model/: the data shapes every room shares (raw and resolved topologies, plans, journals, errors)
// and tiny pure helpers; it imports no other room and has no side effects.
export * from './limits.js';
export * from './errors.js';
export * from './topology.js';
export * from './plan.js';
export * from './entry.js';
export * from './journal.js';
export * from './units.js';
export * from './ip.js';
