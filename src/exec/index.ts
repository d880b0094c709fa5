// exec/: the only room that changes the kernel — applies a plan in batches, journals before acting, rolls back
// in reverse on failure, and tears labs down (or cleans up after dead builders) using only what the journal owns.
export { applyPlan, type ApplyDeps, type Progress } from './apply.js';
export { runBatches, type BatchJob, type BatchOutcome } from './batch.js';
export { destroyLab, type TeardownReport } from './teardown.js';
export { newJournal } from './journal.js';
export { applyChange, type ChangeSpec } from './change.js';
export { readLinkStates, waitLinksUp, parseLinkStates, type KernelLink, type KernelLinkStates } from './linkstate.js';
