import * as v from 'valibot';
import { SCOPES, type CredentialSummary } from '../core/credential';
import type { CredentialErrors } from '../core/credential-input';
import type { StandingView } from '../core/refusal-guard';
import type { SettingsErrors, SettingsRead } from '../settings/settings';
import type { PromptView } from '../core/prompt-board';
import { isValidPort, type ProxyEndpoint } from '../core/proxy-endpoint';
import type { UserMessage } from '../core/message-key';
import type { LogHealth } from '../storage/event-log';
import type { WireError } from './wire-error';
import type { PassphraseStatus } from '../storage/passphrase';
import type { SignInReport } from '../core/sign-in-test';

/**
 * Every message between the extension's pages and its background, in one
 * map: the request each type carries (validated on arrival, never trusted)
 * and the response it gets.
 */
const EndpointSchema = v.object({
  host: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  port: v.pipe(v.number(), v.check(isValidPort)),
});

export const REQUEST_SCHEMAS = {
  'prompt:get': v.object({ promptId: v.string() }),
  'prompt:submit': v.object({
    promptId: v.string(),
    proxy: EndpointSchema,
    realm: v.pipe(v.string(), v.maxLength(500)),
    username: v.pipe(v.string(), v.minLength(1), v.maxLength(500)),
    password: v.pipe(v.string(), v.maxLength(4096)),
    scope: v.picklist(SCOPES),
  }),
  'prompt:cancel': v.object({ promptId: v.string() }),
  'prompt:ping': v.object({ promptId: v.string() }),
  'credentials:list': v.object({}),
  'credentials:delete': v.object({ id: v.string() }),
  'credentials:save': v.object({
    id: v.optional(v.string()),
    host: v.pipe(v.string(), v.maxLength(255)),
    port: v.number(),
    realm: v.pipe(v.string(), v.maxLength(500)),
    username: v.pipe(v.string(), v.maxLength(500)),
    password: v.pipe(v.string(), v.maxLength(4096)),
    scope: v.picklist(['device', 'session']),
  }),
  'credentials:move': v.object({ id: v.string(), direction: v.picklist(['up', 'down']) }),
  'prompts:list': v.object({}),
  'log:flush': v.object({}),
  'log:clear': v.object({}),
  'settings:get': v.object({}),
  'settings:save': v.object({ changes: v.record(v.string(), v.unknown()) }),
  'proxies:standings': v.object({}),
  'proxies:unlock': v.object({ proxy: v.pipe(v.string(), v.minLength(1), v.maxLength(300)) }),
  'vault:status': v.object({}),
  'vault:unlock': v.object({ passphrase: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)) }),
  /** Sets a passphrase, or changes it (then `current` must be the one set). */
  'vault:setPassphrase': v.object({
    current: v.pipe(v.string(), v.maxLength(1024)),
    next: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  }),
  'vault:removePassphrase': v.object({ current: v.pipe(v.string(), v.maxLength(1024)) }),
  /** "Test my proxy sign-in": `start` begins a test unless one runs; either way the report so far comes back. */
  'signin:test': v.object({ start: v.boolean() }),
} as const;

export type MessageType = keyof typeof REQUEST_SCHEMAS;
export type RequestOf<T extends MessageType> = v.InferOutput<(typeof REQUEST_SCHEMAS)[T]>;

/**
 * A saved entry that cannot be used, or a store that cannot be read: the
 * sentence to show, and, for an entry, its id (to delete or re-enter it)
 * and what it was for when it still says. Never a password.
 */
export interface CredentialProblem extends UserMessage {
  readonly scope?: 'device' | 'session';
  readonly entryId?: string;
  readonly entry?: { readonly proxy: ProxyEndpoint; readonly realm?: string; readonly username: string };
}

export interface CredentialList {
  readonly credentials: CredentialSummary[];
  /** What could not be used, as sentences to show (no secrets in them). */
  readonly problems: CredentialProblem[];
}

export interface SubmitResult {
  /** Requests answered by this submit. */
  readonly answered: number;
  readonly saved: boolean;
  /** The prompt was no longer known (the background restarted): the user should reload the page. */
  readonly promptGone: boolean;
}

/** A flush never fails: it says whether everything queued is on disk, and what is not well with the log. */
export interface LogFlushReply {
  readonly flushed: boolean;
  /** Only when something is not well: batches failed, records were lost, records from a newer version are kept unshown. */
  readonly health?: LogHealth;
}

export interface ResponseMap {
  'prompt:get': PromptView | null;
  'prompt:submit': SubmitResult;
  'prompt:cancel': { readonly cancelled: number };
  'prompt:ping': { readonly alive: boolean };
  'credentials:list': CredentialList;
  'credentials:delete': { readonly deleted: boolean };
  'credentials:save': { readonly saved: CredentialSummary } | { readonly errors: CredentialErrors };
  'credentials:move': CredentialList;
  'prompts:list': PromptView[];
  'log:flush': LogFlushReply;
  'log:clear': { readonly cleared: true };
  'settings:get': SettingsState;
  'settings:save': SettingsState | { readonly errors: SettingsErrors };
  /** Proxies that refused passwords lately, and which are locked (refusal-guard.ts). */
  'proxies:standings': StandingView[];
  'proxies:unlock': { readonly unlocked: boolean };
  /** Whether a passphrase protects the device credentials, and whether it was entered since the background started. */
  'vault:status': PassphraseStatus;
  /** Unlocked; `answered` prompts were answered from the credentials it opened. */
  'vault:unlock': { readonly answered: number };
  'vault:setPassphrase': PassphraseStatus;
  'vault:removePassphrase': PassphraseStatus;
  /** The running or last sign-in test, step by step (core/sign-in-test.ts); null before the first. */
  'signin:test': SignInReport | null;
}

export type SettingsState = SettingsRead;

export type ResponseOf<T extends MessageType> = ResponseMap[T];

export interface Envelope<T extends MessageType = MessageType> {
  readonly type: T;
  readonly payload: RequestOf<T>;
}

/** Errors cross the boundary typed (`WireError`) and are thrown again on the other side. */
export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.hasOwn(REQUEST_SCHEMAS, value);
}

function malformed(detail: string): { ok: false; error: WireError } {
  return { ok: false, error: { code: 'messageMalformed', substitutions: [detail], message: `Malformed message: ${detail}.` } };
}

/**
 * Narrows an incoming message, or says why it is not one. The reason names
 * the type and the invalid fields, never their values (a password may be one).
 */
export function parseEnvelope(message: unknown): { ok: true; envelope: Envelope } | { ok: false; error: WireError } {
  if (typeof message !== 'object' || message === null) return malformed('not an object');
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (!isMessageType(type)) return malformed(`unknown type ${JSON.stringify(type) ?? 'undefined'}`);
  const parsed = v.safeParse(REQUEST_SCHEMAS[type], payload ?? {});
  if (!parsed.success) {
    const where = parsed.issues.map((i) => v.getDotPath(i) ?? 'payload').join(', ');
    return malformed(`${type}: invalid ${where}`);
  }
  return { ok: true, envelope: { type, payload: parsed.output } };
}
