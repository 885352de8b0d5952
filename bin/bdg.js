#!/usr/bin/env node
// Thin launcher: all behaviour lives in src/, bundled into dist/bundle/ by `npm ci` (the prepare script runs the build).
import { main } from '../dist/bundle/cli.js';

process.exitCode = await main(process.argv);
