import { EXIT } from './exit-codes.ts';

/** An error the CLI reports as one paragraph, with its exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad command-line argument (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.INVALID_INPUT);
}
