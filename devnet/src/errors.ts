/** Coded launcher errors: the CLI prints code, message and hint, never a stack trace. */
export type DevnetErrorCode =
  | 'DEPENDENCY_MISSING'
  | 'FABRIC_INSTALL_FAILED'
  | 'PORT_IN_USE'
  | 'STEP_FAILED'
  | 'TIMEOUT'
  | 'BAD_ARGUMENT'
  | 'ALREADY_RUNNING'
  | 'INTERRUPTED';

export class DevnetError extends Error {
  constructor(
    readonly code: DevnetErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DevnetError';
  }
}

/** Prints an error for a person at a terminal: code, message and how to fix it. */
export function printError(error: unknown): void {
  if (error instanceof DevnetError) {
    console.error(`error [${error.code}]: ${error.message}`);
    if (error.hint) console.error(`  how to fix: ${error.hint}`);
  } else {
    console.error(error);
  }
}
