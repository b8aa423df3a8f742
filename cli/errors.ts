// What a command can fail with besides the API's errors (PatronusError, exit 1).

/** A command line that cannot run: exit 2, with the usage hint. */
export class UsageError extends Error {}

/** An input file at fault (`rules.yaml:12:5: rules[2].priority: …`): exit 2. */
export class InputError extends Error {}

/** The user answered no: nothing was done, exit 1. */
export class Declined extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
