#!/usr/bin/env node
// The `spymaster` executable: runs the command line and exits with its code.
import { main } from './index.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`spymaster: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
