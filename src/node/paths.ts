import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, whether running from src/ (tests) or dist/ (the installed CLI): both sit two levels down (src/node, dist/node). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');


