/** What the extension did with one proxy challenge, as the log records it. */
export type Outcome =
  | 'answered-saved'
  | 'prompted'
  | 'answered-prompt'
  | 'rejected'
  | 'cancelled-user'
  | 'timed-out'
  | 'attempt-cap'
  | 'handed-to-browser'
  | 'unsupported-scheme'
  /** The request failed at or on the way to the proxy (unreachable, tunnel refused), challenged or not. */
  | 'proxy-error';

export const OUTCOMES: readonly Outcome[] = [
  'answered-saved',
  'prompted',
  'answered-prompt',
  'rejected',
  'cancelled-user',
  'timed-out',
  'attempt-cap',
  'handed-to-browser',
  'unsupported-scheme',
  'proxy-error',
];

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}
