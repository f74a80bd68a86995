/** A batch cannot be converted at all: bad placement options, or no room left between sequence numbers. */
export class ConversionError extends Error {
  /** A stable code: `INVALID_SEQUENCE_NUMBERS`, `NO_ROOM_FOR_ALLOW_POLICIES`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ConversionError';
    this.code = code;
  }
}
