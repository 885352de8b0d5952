import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, whether running from src/ (tests) or dist/ (the installed CLI): both sit one level down. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const catalogueDir = resolve(packageRoot, 'catalogue');
export const templatesDir = resolve(packageRoot, 'templates');
