// cli/: yargs commands — argv → options → one library call → exit code; the only place that reads argv or
// the environment, writes to the terminal, or exits.
export { main } from './main.js';
