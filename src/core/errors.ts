/**
 * A problem with what the user gave (a config, a saved roll-up, a unit list, an argument): the edges print its
 * Vietnamese message and exit 2 (could not run), never a stack trace.
 */
export class UsageError extends Error {}
