import * as v from 'valibot';
import type { Credential, Scope } from '../core/credential';
import type { MessageKey } from '../core/message-key';
import { isValidPort, normaliseHost } from '../core/proxy-endpoint';
import { UserError } from '../core/user-error';
import type { KeyValueArea } from './key-value-area';

/**
 * Saved credentials. Each entry keeps its password encrypted with AES-GCM
 * under the data key (the entry id is the additional data, so a ciphertext
 * moved to another entry does not decrypt). Device entries live in
 * `storage.local`, session entries in `storage.session`; `once` never reaches
 * storage. Every read is validated entry by entry: a corrupt entry is skipped
 * and reported, the others keep working, and a write never drops it.
 */
export const VAULT_KEY = 'vault';
export const VAULT_VERSION = 1;

const EntrySchema = v.object({
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
});
type Entry = v.InferOutput<typeof EntrySchema>;

const DocSchema = v.object({ version: v.literal(VAULT_VERSION), entries: v.array(v.unknown()) });
type Doc = v.InferOutput<typeof DocSchema>;

export type StoredScope = Exclude<Scope, 'once'>;

/** What was wrong with what the vault read; the words live in _locales (`PROBLEM_KEYS`). */
export type VaultProblemCode = 'credentialDamaged' | 'credentialUndecryptable' | 'vaultUnreadable';

export const PROBLEM_KEYS = {
  credentialDamaged: 'problem_credentialDamaged',
  credentialUndecryptable: 'problem_credentialUndecryptable',
  vaultUnreadable: 'problem_vaultUnreadable',
} as const satisfies Record<VaultProblemCode, MessageKey>;

/** English for the console; never holds a password. */
const PROBLEM_TEXT: Record<VaultProblemCode, string> = {
  credentialDamaged: 'A saved credential is damaged and was skipped.',
  credentialUndecryptable: 'A saved credential could not be decrypted (the key changed) and was skipped.',
  vaultUnreadable: 'The saved credentials could not be read (unknown format); they were left untouched.',
};

export interface VaultProblem {
  readonly scope: StoredScope;
  readonly entryId?: string;
  readonly code: VaultProblemCode;
  /** English for the console and developers; pages show `PROBLEM_KEYS[code]`. */
  readonly message: string;
}

function problemOf(code: VaultProblemCode, scope: StoredScope, entryId?: string): VaultProblem {
  return { scope, ...(entryId ? { entryId } : {}), code, message: PROBLEM_TEXT[code] };
}

export interface VaultLoad {
  readonly credentials: Credential[];
  readonly problems: VaultProblem[];
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

async function encryptPassword(key: CryptoKey, id: string, password: string): Promise<{ iv: string; data: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
    key,
    new TextEncoder().encode(password),
  );
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

async function decryptPassword(key: CryptoKey, entry: Entry): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(entry.iv), additionalData: new TextEncoder().encode(entry.id) },
    key,
    fromBase64(entry.data),
  );
  return new TextDecoder().decode(plain);
}

function entryIdOf(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string') {
    return (raw as { id: string }).id;
  }
  return undefined;
}

export class Vault {
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly areas: Readonly<Record<StoredScope, KeyValueArea>>,
    private readonly dataKey: () => Promise<CryptoKey>,
  ) {}

  async load(): Promise<VaultLoad> {
    const credentials: Credential[] = [];
    const problems: VaultProblem[] = [];
    for (const scope of ['device', 'session'] as const) {
      const { doc, problem } = await this.#readDoc(scope);
      if (problem) problems.push(problem);
      if (doc.entries.length === 0) continue;
      const key = await this.dataKey();
      for (const raw of doc.entries) {
        const parsed = v.safeParse(EntrySchema, raw);
        const entryId = entryIdOf(raw);
        if (!parsed.success) {
          problems.push(problemOf('credentialDamaged', scope, entryId));
          continue;
        }
        try {
          const password = await decryptPassword(key, parsed.output);
          credentials.push(toCredential(parsed.output, scope, password));
        } catch {
          problems.push(problemOf('credentialUndecryptable', scope, parsed.output.id));
        }
      }
    }
    return { credentials, problems };
  }

  /** Inserts or replaces the credential in its scope's area (and removes it from the other). */
  save(credential: Credential): Promise<void> {
    if (credential.scope === 'once') return this.remove(credential.id);
    const scope = credential.scope;
    return this.#serialise(async () => {
      const key = await this.dataKey();
      const sealed = await encryptPassword(key, credential.id, credential.password);
      const entry: Entry = {
        id: credential.id,
        host: normaliseHost(credential.proxy.host),
        port: credential.proxy.port,
        ...(credential.realm ? { realm: credential.realm } : {}),
        username: credential.username,
        rejected: credential.rejected,
        order: credential.order,
        updatedAt: credential.updatedAt,
        ...sealed,
      };
      await this.#rewrite(scope, (entries) => [...entries.filter((e) => entryIdOf(e) !== credential.id), entry]);
      const other: StoredScope = scope === 'device' ? 'session' : 'device';
      await this.#rewrite(other, (entries) => entries.filter((e) => entryIdOf(e) !== credential.id));
    });
  }

  /** Updates the rejected flag (and order) without touching the ciphertext. */
  updateFlags(id: string, flags: { rejected?: boolean; order?: number }): Promise<void> {
    return this.#serialise(async () => {
      for (const scope of ['device', 'session'] as const) {
        await this.#rewrite(scope, (entries) =>
          entries.map((e) => (entryIdOf(e) === id && typeof e === 'object' && e !== null ? { ...e, ...flags } : e)),
        );
      }
    });
  }

  remove(id: string): Promise<void> {
    return this.#serialise(async () => {
      for (const scope of ['device', 'session'] as const) {
        await this.#rewrite(scope, (entries) => entries.filter((e) => entryIdOf(e) !== id));
      }
    });
  }

  async #readDoc(scope: StoredScope): Promise<{ doc: Doc; problem?: VaultProblem }> {
    const stored = (await this.areas[scope].get(VAULT_KEY))[VAULT_KEY];
    if (stored === undefined) return { doc: { version: VAULT_VERSION, entries: [] } };
    const parsed = v.safeParse(DocSchema, stored);
    if (parsed.success) return { doc: parsed.output };
    return {
      doc: { version: VAULT_VERSION, entries: [] },
      problem: problemOf('vaultUnreadable', scope),
    };
  }

  async #rewrite(scope: StoredScope, change: (entries: unknown[]) => unknown[]): Promise<void> {
    const stored = (await this.areas[scope].get(VAULT_KEY))[VAULT_KEY];
    if (stored !== undefined && !v.is(DocSchema, stored)) {
      // Never overwrite what we cannot read: the user may still recover it.
      throw new UserError('vaultFormatUnknown', 'The saved credentials are in a format this version cannot read; nothing was changed.');
    }
    const entries = stored === undefined ? [] : stored.entries;
    const next = change(entries);
    if (stored === undefined && next.length === 0) return;
    await this.areas[scope].set({ [VAULT_KEY]: { version: VAULT_VERSION, entries: next } });
  }

  #serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(task, task);
    this.#writes = run.catch(() => undefined);
    return run;
  }
}

function toCredential(entry: Entry, scope: StoredScope, password: string): Credential {
  return {
    id: entry.id,
    proxy: { host: entry.host, port: entry.port },
    ...(entry.realm ? { realm: entry.realm } : {}),
    username: entry.username,
    password,
    scope,
    rejected: entry.rejected,
    order: entry.order,
    updatedAt: entry.updatedAt,
  };
}
