/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Done; for verify: equivalent. */
  OK: 0,
  /** Anything else went wrong; for verify: the forms differ. */
  FAILURE: 1,
  /** Invalid input: a file, an object, a field or a command-line argument. */
  INVALID_INPUT: 2,
  /** A target refused one or more policies it cannot express. */
  REFUSED: 3,
} as const;
