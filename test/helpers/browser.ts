// Which Chromium the page's tests drive, and how: BDG_CHROMIUM if set, else Debian's /usr/bin/chromium if present,
// else the Chromium shipped inside the npm package @sparticuz/chromium (a dev dependency: it is in the registry
// tarball, nothing is downloaded at install or run time). BDG_PACKAGED_CHROMIUM=1 skips Debian's, to test the packaged
// one on a machine that has both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { LaunchOptions } from 'playwright-core';
import { ROOT } from './cli.js';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** What to pass to playwright's chromium.launch, and a line saying which browser it is. */
export interface BrowserChoice {
  launch: LaunchOptions;
  which: string;
}

export function chooseBrowser(): BrowserChoice {
  // Root (as CI runs) cannot use Chromium's sandbox; the tests open only the page's own file.
  const args = ['--no-sandbox'];
  const own = process.env.BDG_CHROMIUM;
  if (own) return { launch: { executablePath: own, args, headless: true }, which: `BDG_CHROMIUM=${own}` };
  if (existsSync(DEBIAN_CHROMIUM) && process.env.BDG_PACKAGED_CHROMIUM !== '1')
    return { launch: { executablePath: DEBIAN_CHROMIUM, args, headless: true }, which: DEBIAN_CHROMIUM };
  // The package holds a Linux x64 build only: elsewhere the tests need a browser named by BDG_CHROMIUM.
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`no Chromium for ${process.platform}-${process.arch}: set BDG_CHROMIUM to a Chromium or Chrome`);
  const dir = packagedChromium();
  return {
    launch: {
      executablePath: join(dir, 'chromium'),
      args,
      headless: true,
      // The package's own NSS, NSPR and expat (built for Amazon Linux 2023, glibc ≥ 2.34), so the browser needs
      // nothing from the system but glibc and libgcc_s, which Node itself needs; its fonts, and the system's if any.
      env: { ...process.env, LD_LIBRARY_PATH: join(dir, 'lib'), FONTCONFIG_FILE: join(dir, 'fonts.conf') },
    },
    which: `@sparticuz/chromium (${dir})`,
  };
}

/** The folder and version of the package whose entry point is `entry` (its exports do not list package.json). */
function packageOf(entry: string): { dir: string; version: string } {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === '@sparticuz/chromium') return { dir, version: pkg.version };
  }
  throw new Error(`no package.json of @sparticuz/chromium above ${entry}`);
}

/**
 * The packaged Chromium unpacked once per package version under node_modules/.cache. Not through the package's
 * executablePath(): that writes into the shared /tmp (chromium, fonts/, swiftshader's .so files), returns any
 * /tmp/chromium already there whatever its version, and unpacks its libraries only on AWS Lambda.
 */
function packagedChromium(): string {
  const { dir: pkgDir, version } = packageOf(createRequire(join(ROOT, 'package.json')).resolve('@sparticuz/chromium'));
  const dir = join(ROOT, 'node_modules/.cache/bdg-chromium', version);
  if (existsSync(join(dir, 'chromium'))) return dir;
  // Unpacked beside, then renamed into place: a run that stops half-way, or two runs at once, leave no half browser.
  const staging = `${dir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const bin = join(pkgDir, 'bin');
  const unbrotli = (name: string) => brotliDecompressSync(readFileSync(join(bin, name)));
  writeFileSync(join(staging, 'chromium'), unbrotli('chromium.br'), { mode: 0o755 });
  // Tarballs: the fonts (fonts/), SwiftShader's GL libraries (beside the binary, where Chromium looks) and lib/.
  for (const tarball of ['fonts.tar.br', 'swiftshader.tar.br', 'al2023.tar.br']) {
    const untar = spawnSync('tar', ['-x', '--no-same-owner', '-C', staging], { input: unbrotli(tarball) });
    if (untar.status !== 0) throw new Error(`tar -x ${tarball}: ${untar.stderr.toString()}`);
  }
  const fontsConf = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${join(dir, 'fonts')}</dir>`,
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
    '</fontconfig>',
  ];
  writeFileSync(join(staging, 'fonts.conf'), `${fontsConf.join('\n')}\n`);
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another run put it there first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw err;
  }
  return dir;
}
