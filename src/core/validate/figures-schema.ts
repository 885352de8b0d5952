import { z } from 'zod';
import type { Catalogue, Indicator } from '../catalogue/catalogue.js';
import type { RuleId } from '../rules/rules.js';

/**
 * The zod schema of a submission's figures, derived from the catalogue (never written per indicator):
 * one object per code with `total` and exactly the breakdowns that apply. Each check's message is the
 * stable rule id, so a failure maps straight back to a Vietnamese message and a cell.
 */
export function figuresSchema(catalogue: Catalogue) {
  // Built once per catalogue: compiling a zod schema costs more than checking a file with it.
  let schema = cache.get(catalogue);
  if (!schema) {
    schema = z.object(Object.fromEntries(catalogue.indicators.map((ind) => [ind.code, figureSchema(ind)])));
    cache.set(catalogue, schema);
  }
  return schema;
}

const cache = new WeakMap<Catalogue, z.ZodObject>();

/** A zod message that is a rule id of the catalogue (validate.ts builds the Vietnamese message from it). */
const rule = (id: RuleId) => ({ error: id });

function valueSchema(ind: Indicator) {
  // No count of people in a province comes near 10⁹; beyond it is a typing slip (or a pasted ID). Money that large
  // is money typed in đồng, which has its own rule and message (money-in-dong).
  const n = z.number().min(0, rule('value-negative'));
  return ind.kind === 'count'
    ? n.max(1e9, rule('value-too-large')).int(rule('value-not-whole')).nullable()
    : n.refine((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6, rule('money-precision')).nullable();
}

function figureSchema(ind: Indicator) {
  const shape: Record<string, ReturnType<typeof valueSchema>> = { total: valueSchema(ind) };
  for (const b of ind.breakdowns) shape[b] = valueSchema(ind).optional() as never;
  // strictObject: a value in a breakdown that does not apply (a greyed cell) is an error of its own.
  return z.strictObject(shape, rule('breakdown-not-applicable'));
}
