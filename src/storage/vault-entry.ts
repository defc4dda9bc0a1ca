import * as v from 'valibot';
import { isValidPort, type ProxyEndpoint } from '../core/proxy-endpoint';
import type { Scope } from '../core/credential';

/**
 * One saved credential as stored, in each version, and its sealing. The
 * password is encrypted with AES-GCM; the additional data is a canonical
 * encoding of everything that says where the password may go (version, id,
 * scope, host, port, realm, user name), so rewriting any of them in storage
 * makes the entry fail to open instead of sending the password elsewhere.
 */
export type StoredScope = Exclude<Scope, 'once'>;

export const ENTRY_VERSION = 2;

const common = {
  id: v.pipe(v.string(), v.minLength(1)),
  host: v.pipe(v.string(), v.minLength(1)),
  port: v.pipe(v.number(), v.check(isValidPort)),
  realm: v.optional(v.string()),
  username: v.string(),
  rejected: v.boolean(),
  order: v.number(),
  updatedAt: v.number(),
  iv: v.pipe(v.string(), v.minLength(1)),
  data: v.pipe(v.string(), v.minLength(1)),
};

/** Version 1: the additional data was the entry id alone. */
export const EntryV1Schema = v.object(common);
export type EntryV1 = v.InferOutput<typeof EntryV1Schema>;

export const EntrySchema = v.object({
  ...common,
  version: v.literal(ENTRY_VERSION),
  /** The id of the key that sealed it (data-key.ts); absent when that key's origin was unknown. */
  keyId: v.optional(v.string()),
});
export type Entry = v.InferOutput<typeof EntrySchema>;

/** What an entry says about itself without its password: enough to list it, re-enter it or delete it. */
export interface EntryFacts {
  readonly proxy: ProxyEndpoint;
  readonly realm?: string;
  readonly username: string;
}

const FactsSchema = v.object({
  host: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  port: v.pipe(v.number(), v.check(isValidPort)),
  realm: v.optional(v.pipe(v.string(), v.maxLength(500))),
  username: v.pipe(v.string(), v.maxLength(500)),
});

/** The facts of an entry, if the entry still has them in readable form. */
export function factsOf(raw: unknown): EntryFacts | undefined {
  const parsed = v.safeParse(FactsSchema, raw);
  if (!parsed.success) return undefined;
  const { host, port, realm, username } = parsed.output;
  return { proxy: { host, port }, ...(realm ? { realm } : {}), username };
}

export function entryIdOf(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string') {
    return (raw as { id: string }).id;
  }
  return undefined;
}

type Bound = Pick<Entry, 'id' | 'host' | 'port' | 'realm' | 'username'>;

/** The additional data: a JSON array in a fixed order, which has one spelling for one set of values. */
export function additionalData(scope: StoredScope, entry: Bound): Uint8Array<ArrayBuffer> {
  const fields = ['proxy-keyring/vault-entry', ENTRY_VERSION, entry.id, scope, entry.host, entry.port, entry.realm ?? '', entry.username];
  return new TextEncoder().encode(JSON.stringify(fields));
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function sealPassword(
  key: CryptoKey,
  scope: StoredScope,
  entry: Bound,
  password: string,
): Promise<{ iv: string; data: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(scope, entry) },
    key,
    new TextEncoder().encode(password),
  );
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

/** Rejects when the ciphertext, its IV or any bound field was changed, or the key is not the one that sealed it. */
export async function openPassword(key: CryptoKey, scope: StoredScope, entry: Entry): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(entry.iv), additionalData: additionalData(scope, entry) },
    key,
    fromBase64(entry.data),
  );
  return new TextDecoder().decode(plain);
}

/** Version 1's opening: the entry id as the additional data. Only the migration uses it. */
export async function openPasswordV1(key: CryptoKey, entry: EntryV1): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(entry.iv), additionalData: new TextEncoder().encode(entry.id) },
    key,
    fromBase64(entry.data),
  );
  return new TextDecoder().decode(plain);
}
