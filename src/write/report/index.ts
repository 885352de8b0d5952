import type { Catalogue } from '../../catalogue/catalogue.js';
import type { Config } from '../../config.js';
import type { Rollup } from '../../model.js';

// TEMPORARY stub until the report writer lands.
export async function renderReport(_rollup: Rollup, _config: Config, _options?: { catalogue?: Catalogue; previous?: Rollup }): Promise<Buffer> {
  return Buffer.from('');
}
