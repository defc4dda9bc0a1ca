/**
 * The proxy accounts every e2e file uses. squid accepts each of them on every
 * authenticating port, so a password reaching the wrong proxy shows up in its
 * access log (as a 200 even) instead of passing unnoticed.
 */
export interface Account {
  readonly user: string;
  readonly password: string;
}

export const ALICE: Account = { user: 'alice', password: 's3cret' };
export const BOB: Account = { user: 'bob', password: 'b0b-pa55' };
export const CAROL: Account = { user: 'carol', password: 'c4r0l-popup-pw' };
export const ACCOUNTS: readonly Account[] = [ALICE, BOB, CAROL];

/** Passwords no account has: what a user mistyped or what changed on the proxy. */
export const WRONG_PASSWORD = 'not-alices-password';
export const OTHER_WRONG_PASSWORD = 'bang-Wr0ng-pw';

/** Every secret a log, export or report must never contain, plain and as Basic credentials. */
export function listSecrets(): string[] {
  const passwords = [...ACCOUNTS.map((a) => a.password), WRONG_PASSWORD, OTHER_WRONG_PASSWORD];
  const basic = ACCOUNTS.flatMap((a) => passwords.map((p) => Buffer.from(`${a.user}:${p}`).toString('base64')));
  return [...passwords, ...basic];
}

export function findSecrets(text: string): string[] {
  return listSecrets().filter((secret) => text.includes(secret));
}
