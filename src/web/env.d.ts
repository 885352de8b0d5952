/** The data files (catalogue/, templates/, data/) inlined by scripts/build-web.mjs, by path relative to the package. */
declare module 'bdg:data-files' {
  const files: Record<string, string>;
  export default files;
}
