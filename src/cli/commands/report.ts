import { dirname, join, resolve } from 'node:path';
import { emptyIssuerFields } from '../../core/write/report/issuer.js';
import { EMPTY_CONFIG, emptyConfigNotice, withIssuer } from '../../core/config.js';
import { loadConfig } from '../../node/config-file.js';
import { loadSavedRollup } from '../../node/saved-rollup.js';
import { checkPreviousPeriod } from '../../core/rollup/saved.js';
import { checkOutputs, writeFileAtomic } from '../../node/safe-write.js';
import { renderReport } from '../../core/write/report/index.js';
import { chooseEdition } from '../../core/catalogue/catalogue.js';
import { checkCatalogue } from '../../node/catalogue-cache.js';
import { rollupInEdition } from '../../core/rollup/convert.js';
import { printable, EXIT, type CommandIO } from '../io.js';
import type { Rollup } from '../../core/model.js';
import { nativeCodec as codec } from '../../node/native-codec.js';

export interface ReportFlags {
  config?: string;
  /** One or more earlier roll-ups: the latest is compared with, all of them make the phase's cumulative figures. */
  previous?: string | string[];
  /** `--form`: write the report in another edition (the roll-up converted through the crosswalks). */
  form?: string;
  out?: string;
  force?: boolean;
  /** `--issuer`: who signs (so, ubnd, hoi-phu-nu); the config's `issuer` otherwise. */
  issuer?: string;
}

/** `bdg report`: rewrites the DOCX from a saved roll-up, e.g. after the config or the wording changed. */
export async function runReport(rollupPath: string, flags: ReportFlags, io: CommandIO): Promise<number> {
  checkCatalogue();
  const saved = await loadSavedRollup(rollupPath, 'tệp tổng hợp');
  const rollup =
    flags.form === undefined ? saved : rollupInEdition(saved, chooseEdition(flags.form, null).id, `"${rollupPath}"`);
  const paths = flags.previous === undefined ? [] : Array.isArray(flags.previous) ? flags.previous : [flags.previous];
  const earlier: Rollup[] = [];
  for (const p of paths) {
    const r = await loadSavedRollup(p, 'tệp tổng hợp kỳ trước');
    checkPreviousPeriod(r, rollup, p);
    earlier.push(r);
  }
  // The latest earlier period is the one compared with; the others only add up the phase.
  earlier.sort((a, b) => b.period.localeCompare(a.period));
  const previous = earlier[0];
  const config = withIssuer(flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG, flags.issuer);
  // Each issuer's report has its own default name, so the three can stand side by side.
  const who = config.issuer === 'so' ? '' : `${config.issuer}-`;
  const out = resolve(
    flags.out ?? join(dirname(rollupPath), `bao-cao-${who}${rollup.root.code}-${rollup.period}.docx`),
  );
  await checkOutputs([out], { force: flags.force, inputs: [rollupPath, ...paths] });
  await writeFileAtomic(out, await renderReport(rollup, config, { previous, phase: earlier, codec }));
  io.stderr.write(`Đã viết báo cáo: ${printable(out)}\n`);
  const notice = emptyConfigNotice(config, (c) => emptyIssuerFields(c, rollup));
  if (notice) io.stderr.write(`${io.color.yellow(notice)}\n`);
  return EXIT.ok;
}
