import { credentialFits, sortByOrder, summarise, type Credential, type CredentialSummary } from '../core/credential';
import type { Vault, VaultProblem } from './vault';

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

  summaries(): CredentialSummary[] {
    return sortByOrder(this.#credentials).map(summarise);
  }

  problems(): readonly VaultProblem[] {
    return this.#problems;
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
  async upsertEntered(entered: Omit<Credential, 'id' | 'order' | 'rejected' | 'updatedAt'> & { scope: 'device' | 'session' }, now: number, newId: () => string): Promise<Credential> {
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
