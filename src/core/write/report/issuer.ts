import { emptyConfigFields, type Config } from '../../config.js';
import type { Rollup } from '../../model.js';

/** Who signs the report made from one roll-up (issue 21, point 8). */
export type Issuer = Config['issuer'];

/**
 * The config as the issuer signs: the Sở's is the config itself; the provincial People's Committee and the
 * provincial Women's Union get their own header and signing authority, derived from the province's name where the
 * config's `issuers` entry does not give them, and their own number, date, recipients and distribution (blank to
 * fill when not given: never the Sở's).
 */
export function issuerConfig(config: Config, rollup: Rollup, issuer: Issuer = config.issuer): Config {
  const own = config.issuers?.[issuer] ?? {};
  const province = rollup.root.name.toLocaleUpperCase('vi');
  const base: Config =
    issuer === 'so'
      ? config
      : {
          ...config,
          agency:
            issuer === 'ubnd'
              ? { superior: null, name: ['ỦY BAN NHÂN DÂN', province], symbol: 'UBND' }
              : {
                  name: ['HỘI LIÊN HIỆP PHỤ NỮ', province],
                  nameInText: `Hội Liên hiệp Phụ nữ ${inText(rollup.root.name)}`,
                },
          signer:
            issuer === 'ubnd'
              ? { prefix: 'TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH', title: 'PHÓ CHỦ TỊCH' }
              : { prefix: 'TM. BAN THƯỜNG VỤ' },
          documentNumber: undefined,
          documentDate: undefined,
          recipients: [],
          distribution: [],
          archive: undefined,
        };
  return {
    ...base,
    ...Object.fromEntries(Object.entries(own).filter(([k]) => k !== 'agency' && k !== 'signer')),
    agency: { ...base.agency, ...own.agency },
    signer: { ...base.signer, ...own.signer },
    issuer,
  };
}

const inText = (name: string) => name.charAt(0).toLocaleLowerCase('vi') + name.slice(1);

/** The wording of an issuer whose report has its own content (the Women's Union's: the programme only). */
export function wordingVariant(issuer: Issuer): string | undefined {
  return issuer === 'hoi-phu-nu' ? 'hoi-phu-nu' : undefined;
}

/** The empty fields of the report as this issuer signs it, named where to fill them ("issuers.ubnd.signer.name"). */
export function emptyIssuerFields(config: Config, rollup: Rollup): string[] {
  const effective = issuerConfig(config, rollup);
  const prefix = effective.issuer === 'so' ? '' : `issuers.${effective.issuer}.`;
  // What the issuer shares with the Sở (place, basis) stays where it is written.
  return emptyConfigFields(effective).map((f) => (/^(place|basis) /.test(f) ? f : prefix + f));
}
