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
  | 'unsupported-scheme';

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
];

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}
