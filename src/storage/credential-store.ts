import { credentialFits, sortByOrder, summarise, type Credential, type CredentialSummary } from '../core/credential';
import { validateCredentialInput, type CredentialErrors, type CredentialInput } from '../core/credential-input';
import type { UserMessage } from '../core/message-key';
import { formatEndpoint, normaliseHost } from '../core/proxy-endpoint';
import { UserError } from '../core/user-error';
import { PROBLEM_KEYS, type Vault, type VaultProblem } from './vault';

/**
 * The credentials in memory, loaded from the vault once. On a cold start the
 * first challenge starts the one load and every concurrent challenge waits for
 * the same promise: deciding before it is done would let challenges fall
 * through to the browser's dialog. After that, answers come from memory.
 */
export class CredentialStore {
  #credentials: Credential[] = [];
  #problems: VaultProblem[] = [];
  #loading: Promise<void> | undefined;

  constructor(
    private readonly vault: Vault,
    private readonly onProblem: (problem: VaultProblem) => void = () => {},
  ) {}

  /** Resolves when the saved credentials are in memory; one load however many callers. */
  ready(): Promise<void> {
    this.#loading ??= this.vault.load().then(
      ({ credentials, problems }) => {
        this.#credentials = credentials;
        this.#problems = problems;
        problems.forEach(this.onProblem);
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  list(): readonly Credential[] {
    return this.#credentials;
  }

  /** Grouped by proxy, each group in answer order: the order the options page shows. */
  summaries(): CredentialSummary[] {
    const label = (c: Credential) => formatEndpoint(c.proxy);
    return sortByOrder(this.#credentials)
      .sort((a, b) => label(a).localeCompare(label(b)))
      .map(summarise);
  }

  /** The problems as the pages show them: one sentence each, no entry ids. */
  problemMessages(): UserMessage[] {
    return this.#problems.map((p) => ({ key: PROBLEM_KEYS[p.code] }));
  }

  get(id: string): Credential | undefined {
    return this.#credentials.find((c) => c.id === id);
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
    const existing = this.#credentials.find(
      (c) => c.username === entered.username && credentialFits(c, entered.proxy, entered.realm ?? ''),
    );
    const firstOrder = Math.min(0, ...this.#credentials.map((c) => c.order)) - 1;
    const credential: Credential = {
      ...entered,
      ...(existing ? { realm: existing.realm ?? '' } : {}),
      id: existing?.id ?? newId(),
      order: existing?.order ?? firstOrder,
      rejected: false,
      updatedAt: now,
    };
    this.#replace(credential);
    await this.vault.save(credential);
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
    await this.ready();
    const errors = validateCredentialInput(input, this.#credentials);
    if (Object.keys(errors).length > 0) return { errors };
    const existing = input.id === undefined ? undefined : this.get(input.id);
    const realm = input.realm.trim();
    const credential: Credential = {
      id: existing?.id ?? newId(),
      proxy: { host: normaliseHost(input.host), port: input.port },
      ...(realm ? { realm } : {}),
      username: input.username.trim(),
      password: input.password === '' && existing ? existing.password : input.password,
      scope: input.scope,
      rejected: false,
      order: existing?.order ?? Math.max(0, ...this.#credentials.map((c) => c.order + 1)),
      updatedAt: now,
    };
    await this.vault.save(credential);
    this.#replace(credential);
    return { saved: summarise(credential) };
  }

  /** Moves a credential one place up or down among those for the same proxy (the answer order). */
  async move(id: string, direction: 'up' | 'down'): Promise<void> {
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
    this.#replace({ ...credential, rejected: true });
    if (credential.scope !== 'once') await this.vault.updateFlags(id, { rejected: true });
  }

  async remove(id: string): Promise<boolean> {
    await this.ready();
    const had = this.#credentials.some((c) => c.id === id);
    this.#credentials = this.#credentials.filter((c) => c.id !== id);
    await this.vault.remove(id);
    return had;
  }

  #replace(credential: Credential): void {
    const others = this.#credentials.filter((c) => c.id !== credential.id);
    this.#credentials = [...others, credential];
  }
}
