/**
 * Test data, for the tests and the fixture scripts (never the product; plain JavaScript so that the scripts run it
 * as it is; types in plausible-figures.d.mts). Figures in the ranges real provincial reports print
 * (../shared/reference/): a unit of `communes` communes (a commune itself: 1), every rule of the edition respected
 * (docs/editions.md). Deterministic for a given seed: committed fixtures depend on its exact output.
 */

/**
 * mulberry32: a tiny seeded generator, so fixtures are the same on every machine.
 * @param {number} seed
 * @returns {() => number}
 */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Figures of a unit with `communes` commune-level units (1 for a commune itself).
 * @param {() => number} r
 * @param {number} communes
 * @returns {import('../../src/core/model.js').Figures}
 */
export function plausibleFigures(r, communes) {
  const int = (lo, hi) => Math.floor(lo + r() * (hi - lo + 1));
  const share = (n, lo, hi) => Math.round(n * (lo + r() * (hi - lo)));
  const money = (lo, hi) => Math.round((lo + r() * (hi - lo)) * 10) / 10;
  const c = Math.max(1, communes);
  /** @type {import('../../src/core/model.js').Figures} */
  const f = {};
  const withBreakdowns = (total, nu, dtts) => ({
    total,
    nu: share(total, ...nu),
    dtts: share(total, ...dtts),
  });

  const teams = int(c, 2 * c);
  f['DA8.01'] = { total: teams };
  f['DA8.02'] = { total: int(0, Math.floor(teams / 3)) };
  f['DA8.03'] = withBreakdowns(teams * int(6, 10), [0.6, 0.8], [0.4, 0.8]);
  const talks = int(3 * c, 8 * c);
  f['DA8.04'] = { total: talks };
  f['DA8.05'] = withBreakdowns(talks * int(30, 70), [0.55, 0.65], [0.3, 0.7]);
  f['DA8.06'] = { total: int(150 * c, 600 * c) };
  f['DA8.07'] = { total: int(Math.ceil(c / 2), c) };
  f['DA8.08'] = withBreakdowns(int(2 * c, 8 * c), [0.85, 0.95], [0.4, 0.7]);
  const clubs = int(0, Math.ceil(c / 2));
  f['DA8.09'] = { total: clubs };
  f['DA8.10'] = clubs ? withBreakdowns(clubs * int(20, 40), [0.5, 0.65], [0.4, 0.7]) : { total: 0, nu: 0, dtts: 0 };
  const groups = int(0, Math.ceil(c / 2));
  f['DA8.11'] = { total: groups };
  f['DA8.12'] = groups ? withBreakdowns(groups * int(8, 20), [0.85, 1], [0.4, 0.8]) : { total: 0, nu: 0, dtts: 0 };
  f['DA8.13'] = { total: int(6 * c, 35 * c) };
  const dialogues = int(0, c);
  f['DA8.14'] = { total: dialogues };
  f['DA8.15'] = dialogues
    ? withBreakdowns(dialogues * int(40, 80), [0.55, 0.7], [0.4, 0.7])
    : { total: 0, nu: 0, dtts: 0 };
  f['DA8.16'] = { total: int(0, Math.ceil(c / 2)) };
  f['DA8.17'] = { total: int(c, 3 * c) };
  const classes = int(1, Math.ceil(c * 1.2));
  f['DA8.18'] = { total: classes };
  f['DA8.19'] = withBreakdowns(classes * int(35, 60), [0.55, 0.7], [0.4, 0.7]);
  const allocated = money(100 * c, 350 * c);
  f['DA8.20'] = { total: allocated };
  f['DA8.21'] = { total: Math.round(allocated * (0.6 + r() * 0.35) * 10) / 10 };
  const marriages = int(40 * c, 120 * c);
  const marriagesDtts = share(marriages, 0.3, 0.7);
  f['DA8.24'] = { total: marriages, dtts: marriagesDtts };
  const child = int(0, 3 * c);
  f['DA8.22'] = { total: child, dtts: Math.min(marriagesDtts, share(child, 0.8, 1)) };
  const kin = int(0, Math.ceil(c / 3));
  f['DA8.23'] = { total: kin, dtts: Math.min(marriagesDtts, kin) };

  f['BDG.01'] = { total: int(2, 3 + c) };
  const laws = int(1, 6);
  f['BDG.02'] = { total: laws };
  f['BDG.03'] = { total: int(0, laws) };
  const staff = int(c + 2, 2 * c + 4);
  f['BDG.04'] = { total: staff, nu: share(staff, 0.5, 0.8) };
  const comms = int(4 * c, 12 * c);
  f['BDG.05'] = { total: comms };
  f['BDG.06'] = withBreakdowns(comms * int(40, 100), [0.5, 0.62], [0.3, 0.7]);
  f['BDG.07'] = { total: int(c, 4 * c) };
  const trainings = int(1, Math.ceil(c * 1.2));
  f['BDG.08'] = { total: trainings };
  f['BDG.09'] = withBreakdowns(trainings * int(40, 80), [0.5, 0.7], [0.3, 0.6]);
  const deputies = communes > 1 ? int(30, 40) : int(15, 25);
  f['BDG.10'] = withBreakdowns(deputies, [0.25, 0.4], [0.2, 0.5]);
  const agencies = communes > 1 ? int(15, 30) : int(3, 6);
  f['BDG.11'] = { total: agencies };
  f['BDG.12'] = { total: share(agencies, 0.2, 0.45) };
  const leaders = communes > 1 ? int(80, 200) : int(8, 20);
  f['BDG.13'] = { total: leaders, nu: share(leaders, 0.25, 0.4) };
  const cases = int(0, 4 * c);
  f['BDG.14'] = { total: cases };
  const victims = cases + int(0, Math.ceil(cases / 5));
  const victimsNu = share(victims, 0.85, 1);
  f['BDG.15'] = { total: victims, nu: victimsNu };
  const helped = share(victims, 0.7, 0.95);
  f['BDG.16'] = { total: helped, nu: Math.min(victimsNu, helped) };
  const abusers = cases;
  const abusersNu = share(abusers, 0, 0.1);
  f['BDG.17'] = { total: abusers, nu: abusersNu };
  const counselled = share(abusers, 0.4, 0.8);
  f['BDG.18'] = { total: counselled, nu: Math.min(abusersNu, counselled) };
  f['BDG.19'] = { total: communes > 1 ? int(Math.floor(c / 3), c) : int(0, 1) };
  f['BDG.20'] = { total: int(Math.ceil(c / 2), 4 * c) };
  f['BDG.21'] = { total: int(1, 3 * c) };
  const trafficked = int(0, communes > 1 ? 3 : 1);
  f['BDG.22'] = { total: trafficked, nu: trafficked };
  f['BDG.23'] = { total: trafficked, nu: trafficked };
  f['BDG.24'] = { total: communes > 1 ? int(Math.floor(c / 4), c) : int(0, 1) };
  const starters = int(2 * c, 8 * c);
  f['BDG.25'] = { total: starters, dtts: share(starters, 0.3, 0.6) };
  f['BDG.26'] = { total: money(20 * c, 120 * c) };
  f['BDG.27'] = { total: int(0, 2 + Math.ceil(c / 4)) };
  const violations = int(0, 2);
  f['BDG.28'] = { total: violations };
  f['BDG.29'] = { total: int(0, violations) };
  f['BDG.30'] = { total: money(15 * c, 60 * c) };
  return f;
}
