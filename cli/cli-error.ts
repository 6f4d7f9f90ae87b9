/** A failure of the CLI itself (not logged in, unreadable file), reported like the API's errors: code and message. */
export class CliError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
