import type { Figures } from '../../src/core/model.js';

/** mulberry32: a tiny seeded generator, so fixtures are the same on every machine. */
export function rng(seed: number): () => number;

/** Figures of a unit with `communes` commune-level units (1 for a commune itself). */
export function plausibleFigures(r: () => number, communes: number): Figures;
