#!/usr/bin/env node
// Thin launcher: all behaviour lives in src/, bundled into dist/bundle/ by `npm ci` (the prepare script runs the build).
import { setFlagsFromString } from 'node:v8';

// A run lasts about a second on three threads. With V8's default tiering, a third of its CPU went to optimizing code
// that runs a few times (loading the writers, the catalogue's parsing, the writers themselves); with a budget ~9×
// V8's, only what runs long is optimized (the reader's loops on a large folder). Set before any thread starts, for
// all of them (`npm run bench`: 300 files 1,08 → 0,94 s and 1,8 → 1,45 s of CPU; 3.321 files 4,9 → 4,6 s).
setFlagsFromString('--interrupt-budget=600000');

// A command that reads files starts its first reading thread before the CLI loads, so both load at once.
if (['consolidate', 'validate'].includes(process.argv[2]))
  (await import('../dist/bundle/reader-thread.js')).startEarly();
const { main } = await import('../dist/bundle/cli.js');

process.exitCode = await main(process.argv);
