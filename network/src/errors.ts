/** Coded launcher errors: the CLI prints code, message and hint, never a stack trace. */
export type DevnetErrorCode =
  | 'DEPENDENCY_MISSING'
  | 'FABRIC_INSTALL_FAILED'
  | 'PORT_IN_USE'
  | 'STEP_FAILED'
  | 'TIMEOUT'
  | 'BAD_ARGUMENT';

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
