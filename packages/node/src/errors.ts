/**
 * A setting mcpmeter could not use. The message names the setting (an option
 * or an environment variable) and the fix; `setting` holds the name alone.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}
