#!/usr/bin/env node
// Thin launcher: all behaviour lives in src/ (compiled to dist/ by `npm ci` via the prepare script).
import { main } from '../dist/cli/cli.js';

process.exitCode = await main(process.argv);
