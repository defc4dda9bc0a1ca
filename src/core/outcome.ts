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
  | 'proxy-error'
  /** The proxy refused passwords too often lately: neither answered nor prompted until the user unlocks it. */
  | 'locked'
  /** A site's 401 on a request we answered with a proxy password: a proxy refusing the wrong way, or the site's own login. */
  | 'site-login-after-answer'
  /** Firefox: ended unanswered so that the one request carrying an unverified password could go first. */
  | 'held-back';

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
  'locked',
  'site-login-after-answer',
  'held-back',
];

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}
