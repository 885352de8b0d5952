#!/usr/bin/env node
// Thin launcher: all behaviour lives in src/, bundled into dist/bundle/ by `npm ci` (the prepare script runs the build).
// A command that reads files starts its first reading thread before the CLI loads, so both load at once.
if (['consolidate', 'validate'].includes(process.argv[2]))
  (await import('../dist/bundle/reader-thread.js')).startEarly();
const { main } = await import('../dist/bundle/cli.js');

process.exitCode = await main(process.argv);
