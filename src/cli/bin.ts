#!/usr/bin/env node
// The `nslab` executable: run the command line and exit with its code.
import { main } from './main.js';

main().then((code) => process.exit(code));
