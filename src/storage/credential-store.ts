import { credentialFits, inAnswerOrder, sortByOrder, summarise, type Credential, type CredentialSummary } from '../core/credential';
import { validateCredentialInput, type CredentialErrors, type CredentialInput } from '../core/credential-input';
import type { CredentialProblem } from '../messaging/protocol';
import { canonicaliseHost, formatEndpoint, normaliseHost, sameEndpoint, type ProxyEndpoint } from '../core/proxy-endpoint';
import { UserError } from '../core/user-error';
import { isPolicyCredentialId } from '../settings/policy';
import type { DataKey } from './data-key';
import { PROBLEM_KEYS, type Vault, type VaultProblem } from './vault';

const NONE: readonly Credential[] = [];

/** One proxy's entries, in `list()` order and in answer order (`sortByOrder`). */
interface EndpointEntries {
  readonly listed: readonly Credential[];
  readonly ordered: readonly Credential[];
}

/** `credentialFits` for an entry known without its password. */
function fitsSummary(summary: CredentialSummary, proxy: ProxyEndpoint, realm: string): boolean {
  return sameEndpoint(summary.proxy, proxy) && (summary.realm === undefined || summary.realm === '' || summary.realm === realm);
}

/**
 * The credentials in memory, loaded from the vault once. On a cold start the
 * first challenge starts the one load and every concurrent challenge waits for
 * the same promise: deciding before it is done would let challenges fall
 * through to the browser's dialog. After that, answers come from memory.
 */
export class CredentialStore {
  #credentials: Credential[] = [];
  /** The administrator's accounts (policy.ts): answered with like saved ones, kept in memory only, never written. */
  #policy: Credential[] = [];
  #problems: VaultProblem[] = [];
  #loading: Promise<void> | undefined;
  /**
   * `list()` by canonical host and port, built on the first challenge after a
   * change: a challenge looks at its proxy's entries only, not at every one,
   * no saved host is canonicalised again, and nothing is sorted again.
   * Dropped whenever the saved or the policy's credentials change.
   */
  #byEndpoint: ReadonlyMap<string, ReadonlyMap<number, EndpointEntries>> | undefined;
  #all: readonly Credential[] | undefined;

  constructor(
    private readonly vault: Vault,
    private readonly onProblem: (problem: VaultProblem) => void = () => {},
  ) {}

  /**
   * Resolves when the saved credentials are in memory; one load however many
   * callers. A load whose key store refused is done again by the next caller
   * (the store may open now); its entries are listed as unusable meanwhile.
   */
  ready(): Promise<void> {
    this.#loading ??= this.vault.load().then(
      ({ credentials, problems }) => {
        this.#setCredentials(credentials);
        this.#problems = problems;
        problems.forEach(this.onProblem);
        if (problems.some((p) => p.code === 'keyStoreRefused')) this.#loading = undefined;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /** Loads again from storage (the device key was unlocked); memory and storage agree, so nothing is lost. */
  reload(): Promise<void> {
    this.#loading = undefined;
    return this.ready();
  }

  /** The device credentials sealed again under another key, written with `extra` (passphrase.ts). */
  async resealDevice(key: DataKey, extra: Record<string, unknown>): Promise<void> {
    await this.ready();
    await this.vault.resealDevice(this.#credentials, key, extra);
  }

  list(): readonly Credential[] {
    this.#all ??= this.#policy.length === 0 ? this.#credentials : [...this.#credentials, ...this.#policy];
    return this.#all;
  }

  /**
   * The credentials for this proxy (those `sameEndpoint` matches to it), in
   * `list()` order: all a challenge from it can be answered with, found
   * without walking every saved entry.
   */
  listFor(proxy: ProxyEndpoint): readonly Credential[] {
    return this.#entriesFor(proxy)?.listed ?? NONE;
  }

  /** `listFor` in answer order (`sortByOrder`): what a challenge is answered from, sorted once per change rather than per challenge. */
  answerOrderFor(proxy: ProxyEndpoint): readonly Credential[] {
    return this.#entriesFor(proxy)?.ordered ?? NONE;
  }

  #entriesFor(proxy: ProxyEndpoint): EndpointEntries | undefined {
    const host = canonicaliseHost(proxy.host);
    if (!host.ok) return undefined;
    return (this.#byEndpoint ??= this.#index()).get(host.host)?.get(proxy.port);
  }

  /** The policy's accounts now; one the proxy already refused stays refused while the policy names it unchanged. */
  setPolicyCredentials(credentials: readonly Credential[]): void {
    const refused = new Set(this.#policy.filter((c) => c.rejected).map((c) => `${c.id}\n${c.password}`));
    this.#setPolicy(credentials.map((c) => (refused.has(`${c.id}\n${c.password}`) ? { ...c, rejected: true } : c)));
  }

  /** A policy account is the administrator's: the user cannot edit, move or delete it, and it is never written. */
  #refusePolicy(id: string | undefined): void {
    if (id !== undefined && isPolicyCredentialId(id)) throw new UserError('credentialGone', 'That account comes from policy.');
  }

  /** Grouped by proxy, each group in answer order: the order the options page shows. */
  summaries(): CredentialSummary[] {
    const label = (c: Credential) => formatEndpoint(c.proxy);
    return sortByOrder(this.list())
      .sort((a, b) => label(a).localeCompare(label(b)))
      .map(summarise);
  }

  /** The problems as the pages show them: one sentence each, with the entry's id and what it was for, never a password. */
  problems(): CredentialProblem[] {
    return this.#problems.map((p) => ({
      key: PROBLEM_KEYS[p.code],
      scope: p.scope,
      ...(p.entryId ? { entryId: p.entryId } : {}),
      ...(p.entry ? { entry: p.entry } : {}),
    }));
  }

  get(id: string): Credential | undefined {
    return this.#credentials.find((c) => c.id === id) ?? this.#policy.find((c) => c.id === id);
  }

  /**
   * Saves what the user entered for a challenge. The saved account with the
   * same user that would answer this proxy and realm is replaced (keeping its
   * realm choice), which clears its rejected mark; a new account goes first,
   * since the user just chose it.
   */
  async upsertEntered(
    entered: Omit<Credential, 'id' | 'order' | 'rejected' | 'updatedAt'> & { scope: 'device' | 'session' },
    now: number,
    newId: () => string,
  ): Promise<Credential> {
    await this.ready();
    const realm = entered.realm ?? '';
    const usable = this.#credentials.find((c) => c.username === entered.username && credentialFits(c, entered.proxy, realm));
    // An entry that cannot be used (key lost, damaged) for the same account is replaced, not duplicated.
    const unusable = usable
      ? undefined
      : this.#unusable().find((c) => c.username === entered.username && fitsSummary(c, entered.proxy, realm));
    const existing = usable ?? unusable;
    const firstOrder = Math.min(0, ...this.#credentials.map((c) => c.order)) - 1;
    const credential: Credential = {
      ...entered,
      ...(existing ? { realm: existing.realm ?? '' } : {}),
      id: existing?.id ?? newId(),
      order: usable?.order ?? firstOrder,
      rejected: false,
      updatedAt: now,
    };
    // Storage first: a password that could not be saved must not answer from memory until a restart.
    try {
      await this.vault.save(credential);
    } catch (error) {
      // A UserError has words of its own (the key store refused, a newer format); anything else is said as "not saved".
      if (error instanceof UserError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new UserError('credentialNotSaved', `The password could not be saved: ${detail}`, { cause: error });
    }
    this.#replace(credential);
    this.#forgetProblem(credential.id);
    return credential;
  }

  /**
   * Adds or edits a credential from the options form. An empty password on an
   * edit keeps the stored one. Any edit clears the rejected mark: the user has
   * looked at it again. Invalid input is refused with field errors and
   * nothing is changed.
   */
  async saveFromForm(
    input: CredentialInput,
    now: number,
    newId: () => string,
  ): Promise<{ saved: CredentialSummary } | { errors: CredentialErrors }> {
    this.#refusePolicy(input.id);
    await this.ready();
    const unusable = this.#unusable();
    const errors = validateCredentialInput(input, [...this.#credentials, ...unusable]);
    // An entry that cannot be used has no password to keep: re-entering it needs one.
    if (input.id !== undefined && input.password === '' && unusable.some((c) => c.id === input.id)) errors.password = 'passwordEmpty';
    if (Object.keys(errors).length > 0) return { errors };
    const existing = input.id === undefined ? undefined : (this.get(input.id) ?? unusable.find((c) => c.id === input.id));
    const realm = input.realm.trim();
    const credential: Credential = {
      id: existing?.id ?? newId(),
      proxy: { host: normaliseHost(input.host), port: input.port },
      ...(realm ? { realm } : {}),
      username: input.username.trim(),
      password: input.password === '' && existing && 'password' in existing ? existing.password : input.password,
      scope: input.scope,
      rejected: false,
      order: existing?.order ?? Math.max(0, ...this.#credentials.map((c) => c.order + 1)),
      updatedAt: now,
    };
    await this.vault.save(credential);
    this.#replace(credential);
    this.#forgetProblem(credential.id);
    return { saved: summarise(credential) };
  }

  /** Moves a credential one place up or down among those for the same proxy (the answer order). */
  async move(id: string, direction: 'up' | 'down'): Promise<void> {
    this.#refusePolicy(id);
    await this.ready();
    const moving = this.get(id);
    if (!moving) throw new UserError('credentialGone', 'That saved credential no longer exists.');
    const siblings = sortByOrder(this.#credentials.filter((c) => c.proxy.host === moving.proxy.host && c.proxy.port === moving.proxy.port));
    const index = siblings.findIndex((c) => c.id === id);
    const other = siblings[direction === 'up' ? index - 1 : index + 1];
    if (!other) return;
    const reordered = [
      { ...moving, order: other.order },
      { ...other, order: moving.order === other.order ? other.order + (direction === 'up' ? 1 : -1) : moving.order },
    ];
    for (const c of reordered) {
      await this.vault.updateFlags(c.id, { order: c.order });
      this.#replace(c);
    }
  }

  /** The proxy refused it: remember that, so it is never sent again automatically. */
  async markRejected(id: string): Promise<void> {
    const credential = this.get(id);
    if (!credential || credential.rejected) return;
    if (isPolicyCredentialId(id)) {
      this.#setPolicy(this.#policy.map((c) => (c.id === id ? { ...c, rejected: true } : c)));
      return;
    }
    this.#replace({ ...credential, rejected: true });
    if (credential.scope !== 'once') await this.vault.updateFlags(id, { rejected: true });
  }

  /** Deletes a credential, or an entry that cannot be used (its id from `problems()`). Storage first. */
  async remove(id: string): Promise<boolean> {
    this.#refusePolicy(id);
    await this.ready();
    const had = this.#credentials.some((c) => c.id === id) || this.#problems.some((p) => p.entryId === id);
    await this.vault.remove(id);
    this.#setCredentials(this.#credentials.filter((c) => c.id !== id));
    this.#forgetProblem(id);
    return had;
  }

  /** The unusable entries that still say what they were for, as the credentials they were (without a password). */
  #unusable(): (CredentialSummary & { readonly scope: 'device' | 'session' })[] {
    return this.#problems.flatMap((p) =>
      p.entryId && p.entry
        ? [
            {
              id: p.entryId,
              proxy: p.entry.proxy,
              ...(p.entry.realm ? { realm: p.entry.realm } : {}),
              username: p.entry.username,
              scope: p.scope,
              rejected: false,
              order: 0,
              updatedAt: 0,
            },
          ]
        : [],
    );
  }

  #forgetProblem(id: string): void {
    this.#problems = this.#problems.filter((p) => p.entryId !== id);
  }

  #replace(credential: Credential): void {
    const others = this.#credentials.filter((c) => c.id !== credential.id);
    this.#setCredentials([...others, credential]);
  }

  #setCredentials(credentials: Credential[]): void {
    this.#credentials = credentials;
    this.#changed();
  }

  #setPolicy(credentials: Credential[]): void {
    this.#policy = credentials;
    this.#changed();
  }

  #changed(): void {
    this.#all = undefined;
    this.#byEndpoint = undefined;
  }

  #index(): Map<string, Map<number, EndpointEntries>> {
    type Building = { readonly listed: Credential[]; ordered: readonly Credential[] };
    const index = new Map<string, Map<number, Building>>();
    for (const credential of this.list()) {
      const { port } = credential.proxy;
      const host = canonicaliseHost(credential.proxy.host);
      // What `sameEndpoint` matches to nothing, not even itself: a host the URL parser refuses, a port that is no number.
      if (!host.ok || Number.isNaN(port)) continue;
      let ports = index.get(host.host);
      if (!ports) index.set(host.host, (ports = new Map<number, Building>()));
      const entries = ports.get(port);
      if (entries) entries.listed.push(credential);
      else ports.set(port, { listed: [credential], ordered: NONE });
    }
    // Sorted here, once per change of the store: the challenges after it only read.
    for (const ports of index.values()) for (const entries of ports.values()) entries.ordered = inAnswerOrder(entries.listed);
    return index;
  }
}
