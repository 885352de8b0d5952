/** The data files (catalogue/, data/) inlined by scripts/build-web.mjs, by path relative to the package. */
declare module 'bdg:data-files' {
  const files: Record<string, string>;
  export default files;
}
/** The package's version, put in by scripts/build-web.mjs ("0.1.0"): outputs name their maker as the CLI's do. */
declare const __BDG_VERSION__: string;
