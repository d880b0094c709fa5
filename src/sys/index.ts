// sys/: thin adapters, one side effect each (processes, state files, namespaces and /proc, capability probes,
// the user-mode Linux kernel) and no domain logic; injected so that tests can fake them.
export * from './proc.js';
export * from './state.js';
export * from './netns.js';
export * from './probe.js';
export * from './files.js';
export * from './lock.js';
export * from './cgroup.js';
