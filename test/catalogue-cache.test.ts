import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogueError, knownVersions, loadCatalogue, loadedCatalogues } from '../src/core/catalogue/catalogue.js';
import { assertCatalogue, catalogueChecked } from '../src/core/catalogue/check.js';
import { installDataFiles, type DataFiles } from '../src/core/data-files.js';
import { CATALOGUE_CACHE, useCatalogueCache, writeCatalogueCache } from '../src/node/catalogue-cache.js';
import { packageDataFiles } from '../src/node/package-data-files.js';
import { bdg, ROOT } from './helpers/cli.js';
import { THREE_LEVEL, writeUnits } from './helpers/province.js';
import { tempDir } from './helpers/workbooks.js';

/**
 * The build's cache of the checked catalogue (src/node/catalogue-cache.ts): taken when the data files the check
 * reads are the ones the build read, byte for byte; otherwise the catalogue is read and checked as without it.
 */

/** A cache made from the package's catalogue, as `npm run build` makes it. */
function packageCache(): string {
  const path = join(tempDir('bdg-catcache-'), 'catalogue-cache.bin');
  expect(writeCatalogueCache(path, packageDataFiles(undefined))).toEqual([]);
  return path;
}

/** Fresh data files (nothing loaded or checked for them yet), every read noted. */
function freshFiles(overlay?: string): { reads: string[] } {
  const files = packageDataFiles(overlay);
  const noted = { reads: [] as string[] };
  const counted: DataFiles = {
    list: (dir) => files.list(dir),
    read: (path) => (noted.reads.push(path), files.read(path)),
  };
  installDataFiles(counted);
  return noted;
}

/** A copy of the package's catalogue folder, to use as BDG_CATALOGUE_OVERLAY. */
function catalogueCopy(): string {
  const dir = tempDir('bdg-catcache-overlay-');
  cpSync(join(ROOT, 'catalogue'), dir, { recursive: true });
  return dir;
}

afterEach(() => installDataFiles(packageDataFiles(undefined)));

describe('the catalogue cache', () => {
  it('is taken for the package files: every edition as loaded, checked, and no catalogue file parsed again', () => {
    const path = packageCache();
    freshFiles();
    const fresh = knownVersions().map((id) => loadCatalogue(id));
    const noted = freshFiles();
    expect(catalogueChecked()).toBe(false);
    expect(useCatalogueCache(path)).toBe('used');
    expect(catalogueChecked()).toBe(true);
    noted.reads.length = 0;
    assertCatalogue();
    const taken = knownVersions().map((id) => loadCatalogue(id));
    // The reads made the key; after it, nothing is read: not editions.csv, not an edition's files.
    expect(noted.reads).toEqual([]);
    expect(taken).toEqual(fresh);
    expect(loadedCatalogues()).toEqual(fresh);
    // Shared objects stay shared, as the rules and the lookups expect.
    for (const c of taken) {
      expect(c.byCode.get(c.indicators[0]!.code)).toBe(c.indicators[0]);
      const [code, rules] = [...c.rulesAt][0]!;
      expect(c.rules).toContain(rules[0]);
      expect(code).toBe(rules[0]!.at.code);
    }
  });

  it('is taken for an overlay whose files are the same bytes (it is the content that counts, not where it lies)', () => {
    const path = packageCache();
    freshFiles(catalogueCopy());
    expect(useCatalogueCache(path)).toBe('used');
  });

  it('is not taken for an overlay edition: the editions come from the files, checked', () => {
    const path = packageCache();
    freshFiles(join(ROOT, 'test/fixtures/editions'));
    expect(useCatalogueCache(path)).toBe('other data files');
    expect(catalogueChecked()).toBe(false);
    assertCatalogue();
    expect(knownVersions()).toEqual(['BDG-2024.1', 'TEST-2026.1']);
  });

  it('is not taken when a file the check reads is edited, nor when a file appears: a broken edition is still said', () => {
    const path = packageCache();
    const overlay = catalogueCopy();
    const ind = join(overlay, 'BDG-2026.1/indicators.csv');
    writeFileSync(ind, readFileSync(ind, 'utf8').replace(/^(DA8\.02,.*),DA8\.01,/m, '$1,DA8.99,'));
    freshFiles(overlay);
    expect(useCatalogueCache(path)).toBe('other data files');
    expect(catalogueChecked()).toBe(false);
    expect(() => assertCatalogue()).toThrow(CatalogueError);
    expect(() => assertCatalogue()).toThrow(
      'danh mục biểu mẫu của bdg bị lỗi (lỗi của chương trình, không phải của tệp báo cáo) – catalogue/BDG-2026.1/indicators.csv: DA8.02: part_of DA8.99 không có',
    );
    // Only a new file in an edition's folder (an empty terms.csv): what the check lists is part of the key too.
    const added = catalogueCopy();
    writeFileSync(join(added, 'BDG-2024.1/terms.csv'), 'term,first_period_end,last_period_end\n');
    freshFiles(added);
    expect(useCatalogueCache(path)).toBe('other data files');
    assertCatalogue();
  });

  it('a missing or damaged cache is ignored, never fatal', () => {
    const good = readFileSync(packageCache());
    const dir = tempDir('bdg-catcache-bad-');
    const header = good.indexOf(10, good.indexOf(10) + 1);
    const flipped = Buffer.from(good);
    flipped[header + 100]! ^= 1;
    const otherV8 = Buffer.from(good.toString('latin1').replace(/"v8":"[^"]*"/, '"v8":"0.0.0"'), 'latin1');
    const cases: [string, Buffer | null, string][] = [
      ['missing', null, 'none'],
      ['empty', Buffer.alloc(0), 'not a cache'],
      ['garbage', Buffer.from('not a cache at all\n{}'), 'not a cache'],
      ['truncated', good.subarray(0, good.length - 500), 'damaged'],
      ['a bit flipped in the editions', flipped, 'damaged'],
      ['header cut', good.subarray(0, 60), 'not a cache'],
      ['another V8', otherV8, 'made by V8 0.0.0'],
    ];
    for (const [name, bytes, why] of cases) {
      const path = join(dir, `${name}.bin`);
      if (bytes) writeFileSync(path, bytes);
      freshFiles();
      expect(useCatalogueCache(path), name).toBe(why);
      expect(catalogueChecked(), name).toBe(false);
      assertCatalogue();
      expect(catalogueChecked(), name).toBe(true);
    }
  });
});

describe('the catalogue cache through the CLI', () => {
  const dir = tempDir('bdg-catcache-cli-');
  const units = writeUnits(dir, THREE_LEVEL);
  const template = (name: string, env: Record<string, string>) =>
    bdg(['template', '--unit', '101', '--units', units, '--period', '2026', '--out', join(dir, name)], {
      env: { BDG_PHASES: '1', ...env },
    });

  it('`npm run build` writes it next to the bundle, and a run with the package files takes it', () => {
    expect(existsSync(join(ROOT, 'dist/bundle/catalogue-cache.bin'))).toBe(true);
    expect(CATALOGUE_CACHE).toBe(join(ROOT, 'src/node/catalogue-cache.bin')); // from the tests' sources: none
    const r = template('t.xlsx', {});
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('] catalogue cache: used\n');
  });

  it('a run with an overlay does not, and a broken overlay edition still stops it naming the file', () => {
    const ok = template('t2.xlsx', { BDG_CATALOGUE_OVERLAY: join(ROOT, 'test/fixtures/editions') });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('] catalogue cache: other data files\n');
    const overlay = catalogueCopy();
    const groups = join(overlay, 'BDG-2026.1/groups.csv');
    writeFileSync(groups, readFileSync(groups, 'utf8').split('\n').slice(0, 2).join('\n'));
    const broken = template('t3.xlsx', { BDG_CATALOGUE_OVERLAY: overlay });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('] catalogue cache: other data files\n');
    expect(broken.stderr).toMatch(
      /Lỗi: danh mục biểu mẫu của bdg bị lỗi .* – catalogue\/BDG-2026\.1\/indicators\.csv: /,
    );
    expect(existsSync(join(dir, 't3.xlsx'))).toBe(false);
  });
});
