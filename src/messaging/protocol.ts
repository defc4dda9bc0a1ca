import * as v from 'valibot';
import { SCOPES, type CredentialSummary } from '../core/credential';
import type { CredentialErrors } from '../core/credential-input';
import type { LogRecord } from '../core/log-record';
import type { SettingsErrors, SettingsRead } from '../settings/settings';
import type { PromptView } from '../core/prompt-board';
import { isValidPort } from '../core/proxy-endpoint';

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
  'log:list': v.object({ limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200_000)) }),
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
} as const;

export type MessageType = keyof typeof REQUEST_SCHEMAS;
export type RequestOf<T extends MessageType> = v.InferOutput<(typeof REQUEST_SCHEMAS)[T]>;

export interface CredentialList {
  readonly credentials: CredentialSummary[];
  /** Damaged entries that were skipped (no secrets in these messages). */
  readonly problems: string[];
}

export interface SubmitResult {
  /** Requests answered by this submit. */
  readonly answered: number;
  readonly saved: boolean;
  /** The prompt was no longer known (the background restarted): the user should reload the page. */
  readonly promptGone: boolean;
}

export interface ResponseMap {
  'prompt:get': PromptView | null;
  'prompt:submit': SubmitResult;
  'prompt:cancel': { readonly cancelled: number };
  'prompt:ping': { readonly alive: boolean };
  'credentials:list': CredentialList;
  'credentials:delete': { readonly deleted: boolean };
  'log:list': LogRecord[];
  'credentials:save': { readonly saved: CredentialSummary } | { readonly errors: CredentialErrors };
  'credentials:move': CredentialList;
  'prompts:list': PromptView[];
  'log:flush': { readonly flushed: true };
  'log:clear': { readonly cleared: true };
  'settings:get': SettingsState;
  'settings:save': SettingsState | { readonly errors: SettingsErrors };
}

export type SettingsState = SettingsRead;

export type ResponseOf<T extends MessageType> = ResponseMap[T];

export interface Envelope<T extends MessageType = MessageType> {
  readonly type: T;
  readonly payload: RequestOf<T>;
}

/** Errors cross the boundary as text and are thrown again on the other side. */
export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.hasOwn(REQUEST_SCHEMAS, value);
}

/** Narrows an incoming message, or says in words why it is not one. */
export function parseEnvelope(message: unknown): { ok: true; envelope: Envelope } | { ok: false; error: string } {
  if (typeof message !== 'object' || message === null) return { ok: false, error: 'Malformed message: not an object.' };
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (!isMessageType(type)) return { ok: false, error: `Malformed message: unknown type ${JSON.stringify(type)}.` };
  const parsed = v.safeParse(REQUEST_SCHEMAS[type], payload ?? {});
  if (!parsed.success) {
    const where = parsed.issues.map((i) => v.getDotPath(i) ?? 'payload').join(', ');
    return { ok: false, error: `Malformed ${type} message: invalid ${where}.` };
  }
  return { ok: true, envelope: { type, payload: parsed.output } };
}
