/** A source position: 1-based line and column in the file the value came from. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem found while loading: located in the file and in the document, with the fix. */
export interface Problem {
  code: string;
  message: string;
  /** Path inside the document, e.g. `links[2].endpoints[0]`. */
  path: string;
  location?: SourceLocation;
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.col}` : '<input>';
  const at = p.path ? ` (at ${p.path})` : '';
  const hint = p.hint ? `\n    fix: ${p.hint}` : '';
  return `${where}: ${p.code}: ${p.message}${at}${hint}`;
}

/**
 * The one error class: a stable `code`, the `cause`, and a `hint` saying how to fix it.
 * Loading errors carry every problem at once in `problems`.
 */
export class NslabError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly problems: Problem[];
  /**
   * The process exit code for any error: 2. Exit 1 means only "an expectation failed", which is a result, not an
   * error; an invalid or missing file, a missing tool, a kernel failure or a timeout all exit 2.
   */
  readonly exitCode = 2 as const;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    opts: {
      hint?: string;
      cause?: unknown;
      problems?: Problem[];
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NslabError';
    this.code = code;
    this.hint = opts.hint;
    this.problems = opts.problems ?? [];
    this.details = opts.details ?? {};
  }

  /** Human form: the message, each problem on its own line, then the fix. */
  format(): string {
    const lines = [`error ${this.code}: ${this.message}`];
    for (const p of this.problems) lines.push('  ' + formatProblem(p).replace(/\n/g, '\n  '));
    if (this.hint) lines.push(`  fix: ${this.hint}`);
    return lines.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, problems: this.problems, ...this.details };
  }
}

export function isNslabError(e: unknown): e is NslabError {
  return e instanceof NslabError;
}
