/** A failure the operator can act on: printed as its message alone, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the command could not do its work; 2: it was called wrongly. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
