import { readFileSync } from 'node:fs';
import { parseTokens, TokenTable } from '@cadenza/server';
import { oneLine, UsageError } from './errors.js';

/**
 * The `--tokens-file` of `server` and `dev`: read at start (a file that cannot be read or
 * holds a bad entry stops the command, exit 2, naming the entry), and again on SIGHUP, so that
 * tokens are added or revoked without a restart. A file that fails on SIGHUP changes
 * nothing: the tokens read before stay, and one line on stderr says why.
 */
export class TokensFile {
  private table: TokenTable;

  constructor(private readonly path: string) {
    this.table = this.read();
  }

  /** The tokens now: what the server asks at every request. */
  readonly current = (): TokenTable => this.table;

  /** Reads the file again on every SIGHUP this process gets. */
  reloadOnHangup(): void {
    process.on('SIGHUP', () => {
      try {
        this.table = this.read();
        process.stderr.write(`cadenza: --tokens-file ${this.path}: read again, ${this.table.size} tokens\n`);
      } catch (error) {
        process.stderr.write(
          `cadenza: --tokens-file ${this.path}: not read again, the tokens read before stay: ${oneLine(error)}\n`,
        );
      }
    });
  }

  private read(): TokenTable {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      throw new UsageError(`--tokens-file: cannot read ${JSON.stringify(this.path)}: ${oneLine(error)}`);
    }
    try {
      return new TokenTable(parseTokens(text));
    } catch (error) {
      throw new UsageError(`--tokens-file ${this.path}: ${oneLine(error)}`);
    }
  }
}
