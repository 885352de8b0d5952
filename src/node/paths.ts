import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this module sits two levels below it whether it runs from src/node (tests), dist/node or dist/bundle (the CLI). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
