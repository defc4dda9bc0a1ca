import { isAnswerableScheme, type Challenge } from './challenge';
import { findUsableCredential, type Credential } from './credential';
import type { RequestTrack } from './request-tracker';

/**
 * What to do with one challenge. `rejectedCredentialId` is set when this
 * challenge is the proxy refusing the credential we sent last time for the
 * same request: the caller must persist that before anything else.
 */
export type Decision =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'unsupported'; readonly attempt: number }
  | { readonly kind: 'cap'; readonly attempt: number; readonly rejectedCredentialId?: string }
  | { readonly kind: 'supply'; readonly attempt: number; readonly credential: Credential; readonly rejectedCredentialId?: string }
  | { readonly kind: 'prompt'; readonly attempt: number; readonly rejectedCredentialId?: string };

export interface DecisionInput {
  readonly challenge: Challenge;
  /** The request's track after counting this challenge. */
  readonly track: RequestTrack;
  readonly credentials: readonly Credential[];
  readonly attemptCap: number;
}

export function decide({ challenge, track, credentials, attemptCap }: DecisionInput): Decision {
  // A site's own 401 is not ours: the browser (and the user) handle it.
  if (!challenge.isProxy) return { kind: 'ignore' };
  const attempt = track.attempts;
  if (!isAnswerableScheme(challenge.scheme)) return { kind: 'unsupported', attempt };
  const rejected = track.suppliedCredentialId;
  const withRejection = rejected === undefined ? {} : { rejectedCredentialId: rejected };
  if (attempt > attemptCap) return { kind: 'cap', attempt, ...withRejection };
  const exclude = new Set(rejected === undefined ? [] : [rejected]);
  const credential = findUsableCredential(credentials, challenge.challenger, challenge.realm, exclude);
  if (credential) return { kind: 'supply', attempt, credential, ...withRejection };
  return { kind: 'prompt', attempt, ...withRejection };
}
