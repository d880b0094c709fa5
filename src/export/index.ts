// export/: translates a resolved topology into other tools' file formats (containerlab) as plain data or text;
// pure (no fs, no processes), and it never changes what nslab itself builds.
export { toContainerlab, containerlabFiles, clabInterfaceName, DEFAULT_IMAGE, DEFAULT_FRR_IMAGE, frrDir, type ContainerlabOptions, type ClabTopology, type ClabNode, type ClabLink } from './containerlab.js';
export { toContainerlabYaml } from './yaml.js';
