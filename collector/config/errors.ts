/**
 * A bad config value or flag. The message is ONE line that names the key and what is wrong,
 * e.g. `--http: expected host:port, got "nonsense"` or `config: clusters.crawler: root must start with "/"`.
 * The CLI prints it as is and exits with code 2 (see cli/errors.ts).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}
