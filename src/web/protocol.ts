import type { ReadLimits } from '../core/read/limits.js';
import type { CheckedFile } from '../core/validate/check-file.js';
import type { Issue } from '../core/model.js';
import type { AnnotateSkip } from '../core/write/annotate.js';

/** Where a reading thread gets its unit list: a file the user gave, or the built-in edition of each file's own period (as the CLI's reading threads do). */
export type PageWorkerUnits = { kind: 'file'; name: string; bytes: Uint8Array } | { kind: 'builtin-by-period' };

/** What every reading thread loads once. */
export interface PageWorkerSetup {
  units: PageWorkerUnits;
  /** Last period's roll-up JSON (text) and its file name, for the outlier warnings. */
  previous?: { name: string; text: string };
  limits: ReadLimits;
  /** The config's cut-off (`cutoff`): the dates of the rules with a window follow it. */
  cutoff?: string;
}

export type ToWorker =
  | { type: 'setup'; setup: PageWorkerSetup }
  | { type: 'read'; index: number; name: string; bytes: ArrayBuffer }
  /** Make the marked copy of a rejected file (its problems listed and marked on its cells). */
  | { type: 'annotate'; name: string; bytes: ArrayBuffer; issues: Issue[]; limits: ReadLimits };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'setup-failed'; message: string }
  | { type: 'read'; index: number; checked: CheckedFile }
  | { type: 'read-failed'; index: number; message: string }
  | { type: 'annotate-progress'; done: number }
  | { type: 'annotated'; bytes: ArrayBuffer }
  | { type: 'annotate-skipped'; problem: AnnotateSkip };
