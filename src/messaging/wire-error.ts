import { isErrorCode, UserError, type ErrorCode } from '../core/user-error';

/**
 * An error as it crosses from the background to a page: structured-clone
 * safe, typed by its code. The page throws it again as a `UserError` and
 * shows the code's words; `message` is English for the console only.
 */
export interface WireError {
  readonly code: ErrorCode;
  readonly substitutions: readonly string[];
  readonly message: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof UserError) return { code: error.code, substitutions: [...error.substitutions], message: error.message };
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return { code: 'unexpected', substitutions: [message], message };
}

/** Reads an error back on the page side; anything unreadable becomes "unexpected" rather than a crash. */
export function fromWireError(raw: unknown): UserError {
  const wire = typeof raw === 'object' && raw !== null ? (raw as Partial<Record<keyof WireError, unknown>>) : {};
  const message = typeof wire.message === 'string' ? wire.message : 'The background sent an error this page cannot read.';
  const substitutions = Array.isArray(wire.substitutions) ? wire.substitutions.filter((s): s is string => typeof s === 'string') : [];
  if (isErrorCode(wire.code)) return new UserError(wire.code, message, { substitutions });
  return new UserError('unexpected', message, { substitutions: [message] });
}
