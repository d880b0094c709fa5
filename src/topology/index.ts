// topology/: turns a YAML file into a ResolvedTopology — read with positions, schema, semantic checks,
// addressing and routing — reporting every problem at once; pure apart from reading the file.
export { loadTopology, loadTopologyText, resolveRawTopology, withOverrides, type TopologyOverrides } from './load.js';
export { parseYamlDocument, type ParsedYaml } from './yaml.js';
export { validateAgainstSchema, topologySchema } from './schema.js';
export { resolveTopology } from './resolve.js';
export { generateTopology, parseTopoSpec, TOPO_KINDS } from './generators.js';
export { serializeTopology, deserializeTopology, findLink, describeLink, lastLinkStates } from './serialize.js';
