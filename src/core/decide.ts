import { isAnswerableScheme, type Challenge } from './challenge';
import { findUsableCredential, type Credential } from './credential';
import { sameEndpoint } from './proxy-endpoint';
import type { RequestTrack, SuppliedAnswer } from './request-tracker';

/** Why a challenge goes to the prompt rather than being answered silently. */
export type PromptReason =
  /** No saved credential fits this proxy and realm (or every one was refused). */
  | 'no-credential'
  /** A refusal waits for the user's word before the next saved account is tried (setting). */
  | 'held'
  /** The only fitting password was used with Digest here; the proxy now asks for Basic, which sends it readable. */
  | 'downgrade'
  /** The fitting password met a site's 401 where the proxy should have judged it: sent again only when the user says so. */
  | 'doubt';

/**
 * What to do with one challenge. `refused` is set when this challenge is the
 * proxy refusing what we sent last time for the same request: the caller
 * must persist that before anything else.
 */
export type Decision =
  | { readonly kind: 'ignore' }
  /** A site's 401 on a request we answered with a proxy password: maybe a proxy refusing with the wrong status. */
  | { readonly kind: 'site-after-proxy'; readonly supplied: SuppliedAnswer }
  | { readonly kind: 'unsupported'; readonly attempt: number; readonly refused?: SuppliedAnswer }
  | { readonly kind: 'cap'; readonly attempt: number; readonly refused?: SuppliedAnswer }
  /** Too many refusals lately: no answer and no prompt until the user unlocks the proxy. */
  | { readonly kind: 'locked'; readonly attempt: number; readonly refused?: SuppliedAnswer }
  | { readonly kind: 'supply'; readonly attempt: number; readonly credential: Credential; readonly refused?: SuppliedAnswer }
  | { readonly kind: 'prompt'; readonly attempt: number; readonly reason: PromptReason; readonly refused?: SuppliedAnswer };

/** A decision on a proxy's challenge: the ones that can carry the refusal it is. */
type ProxyDecision = Exclude<Decision, { readonly kind: 'ignore' | 'site-after-proxy' }>;

export interface ProxyState {
  readonly locked: boolean;
  readonly held: boolean;
}

export interface DecisionInput {
  readonly challenge: Challenge;
  /** The request's track after counting this challenge. */
  readonly track: RequestTrack;
  /**
   * The saved credentials; only those for the challenger matter (the store's
   * `answerOrderFor` gives just those, already in answer order, so they are not sorted again).
   */
  readonly credentials: readonly Credential[];
  readonly attemptCap: number;
  /** The challenger's standing (refusal-guard.ts), after this challenge's refusal if it is one. */
  readonly proxy?: ProxyState;
  /** Credentials the proxy has accepted with Digest: never sent to its Basic challenge without asking. */
  readonly digestCredentialIds?: ReadonlySet<string>;
  /** Credentials that met a 401 after we sent them (a proxy refusing the wrong way?): asked about before they go again. */
  readonly doubtedCredentialIds?: ReadonlySet<string>;
}

const FREE: ProxyState = { locked: false, held: false };
const NONE: ReadonlySet<string> = new Set();

/**
 * Is this challenge the proxy refusing what we sent for the same request?
 * Only when the same proxy challenges again: another proxy on the way (a
 * redirect, a chain) is a first challenge there and refuses nothing.
 */
export function findRefusal(challenge: Challenge, track: RequestTrack): SuppliedAnswer | undefined {
  const supplied = track.supplied;
  if (!challenge.isProxy || supplied === undefined) return undefined;
  return sameEndpoint(supplied.proxy, challenge.challenger) ? supplied : undefined;
}

export function decide(input: DecisionInput): Decision {
  const { challenge, track } = input;
  if (!challenge.isProxy) {
    // A site's own 401 is not ours: the browser (and the user) handle it.
    return track.supplied ? { kind: 'site-after-proxy', supplied: track.supplied } : { kind: 'ignore' };
  }
  const refused = findRefusal(challenge, track);
  const decision = decideForProxy(input, refused);
  // Only a refusal adds to the decision: the common challenge builds one object.
  return refused === undefined ? decision : { ...decision, refused };
}

function decideForProxy(input: DecisionInput, refused: SuppliedAnswer | undefined): ProxyDecision {
  const { challenge, credentials, attemptCap } = input;
  const attempt = input.track.attempts;
  if (!isAnswerableScheme(challenge.scheme)) return { kind: 'unsupported', attempt };
  if (attempt > attemptCap) return { kind: 'cap', attempt };
  const proxy = input.proxy ?? FREE;
  if (proxy.locked) return { kind: 'locked', attempt };
  const exclude = refused === undefined ? NONE : new Set([refused.credentialId]);
  const credential = findUsableCredential(credentials, challenge.challenger, challenge.realm, exclude);
  if (!credential) return { kind: 'prompt', attempt, reason: 'no-credential' };
  // Another saved account would answer, but the user asked to be asked first.
  if (proxy.held) return { kind: 'prompt', attempt, reason: 'held' };
  if ((input.doubtedCredentialIds ?? NONE).has(credential.id)) return { kind: 'prompt', attempt, reason: 'doubt' };
  if (challenge.scheme === 'basic' && (input.digestCredentialIds ?? NONE).has(credential.id)) {
    return { kind: 'prompt', attempt, reason: 'downgrade' };
  }
  return { kind: 'supply', attempt, credential };
}
