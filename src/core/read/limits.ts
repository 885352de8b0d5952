/**
 * Limits that keep one bad file from exhausting memory or time. The defaults fit any real submission many
 * times over (a filled form is about 30 KB, 400 KB uncompressed); `--max-file-mb` and `--time-limit`
 * raise the two a real user might hit.
 */
export interface ReadLimits {
  /** Size of the file on disk. */
  maxFileBytes: number;
  /** Sum of the uncompressed sizes inside the zip: a zip bomb is tiny on disk and huge inside. */
  maxUncompressedBytes: number;
  /** The shared-strings table alone (every text of the workbook). */
  maxSharedStringsBytes: number;
  /** Wall time to read and check one file, enforced when files are read on worker threads (consolidate). */
  maxMillisPerFile: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxSharedStringsBytes: 20 * 1024 * 1024,
  maxMillisPerFile: 60_000,
};

/** Limits from the command-line flags, each falling back to its default. */
export function limitsFrom(flags: { maxFileMb?: number; timeLimit?: number }): ReadLimits {
  const limits = { ...DEFAULT_LIMITS };
  if (flags.maxFileMb) {
    limits.maxFileBytes = flags.maxFileMb * 1024 * 1024;
    // A larger file may hold proportionally more inside.
    limits.maxUncompressedBytes = Math.max(limits.maxUncompressedBytes, limits.maxFileBytes * 4);
  }
  if (flags.timeLimit) limits.maxMillisPerFile = flags.timeLimit * 1000;
  return limits;
}
