import { sameEndpoint, type ProxyEndpoint } from './proxy-endpoint';

/** Where a credential lives: encrypted on this device, for this browser session, or in memory for the waiting requests only. */
export type Scope = 'device' | 'session' | 'once';

export const SCOPES: readonly Scope[] = ['device', 'session', 'once'];

export interface Credential {
  readonly id: string;
  readonly proxy: ProxyEndpoint;
  /** When set, the credential is only for challenges with this realm. */
  readonly realm?: string;
  readonly username: string;
  readonly password: string;
  readonly scope: Scope;
  /** The proxy refused it; never sent again until the user re-enters or edits it. */
  readonly rejected: boolean;
  /** Lower is tried first. */
  readonly order: number;
  readonly updatedAt: number;
}

/** What may leave the background: everything but the password. */
export type CredentialSummary = Omit<Credential, 'password'>;

export function summarise(credential: Credential): CredentialSummary {
  const { password: _password, ...rest } = credential;
  return rest;
}

export function credentialFits(credential: Credential, proxy: ProxyEndpoint, realm: string): boolean {
  if (!sameEndpoint(credential.proxy, proxy)) return false;
  return credential.realm === undefined || credential.realm === '' || credential.realm === realm;
}

/** Answer order: lower `order` first, then the most recently updated. */
function compareOrder(a: Pick<Credential, 'order' | 'updatedAt'>, b: Pick<Credential, 'order' | 'updatedAt'>): number {
  return a.order - b.order || b.updatedAt - a.updatedAt;
}

export function sortByOrder<T extends Pick<Credential, 'order' | 'updatedAt'>>(credentials: readonly T[]): T[] {
  return [...credentials].sort(compareOrder);
}

/**
 * `sortByOrder`, without the copy when the list is in that order already (the
 * store keeps its lists so, and a challenge reads one on every answer). The
 * sort is stable, so a list already in order would come back as it is.
 */
export function inAnswerOrder<T extends Pick<Credential, 'order' | 'updatedAt'>>(credentials: readonly T[]): readonly T[] {
  for (let i = 1; i < credentials.length; i++) {
    if (compareOrder(credentials[i - 1]!, credentials[i]!) > 0) return sortByOrder(credentials);
  }
  return credentials;
}

/** The first credential that fits the challenger and the proxy has not refused. */
export function findUsableCredential(
  credentials: readonly Credential[],
  proxy: ProxyEndpoint,
  realm: string,
  exclude: ReadonlySet<string> = new Set(),
): Credential | undefined {
  return inAnswerOrder(credentials).find((c) => !c.rejected && !exclude.has(c.id) && credentialFits(c, proxy, realm));
}
