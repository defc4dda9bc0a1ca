import type { Credential } from '../core/credential';
import { canonicaliseHost, type ProxyEndpoint } from '../core/proxy-endpoint';
import { DEFAULT_SETTINGS, validateSettingsChanges, type Settings, type SettingSource, type SettingsRead } from './settings';

/**
 * Managed configuration as data: what an administrator's policy says
 * (Chrome's `storage.managed` from `3rdparty.extensions.<id>`, Firefox's from
 * `policies.json` `3rdparty.Extensions.<gecko id>`, both read the same way),
 * read field by field, and merged with the user's settings. Pure: the
 * storage part (src/storage/managed-policy.ts) reads it, the background
 * hands it to the settings cache and the credential store.
 *
 * The format (public/managed-schema.json says the same to Chrome):
 *
 *     { "proxies": [{ "host", "port", "realm"?, "username", "password"? }],
 *       "lockedSettings": { <setting>: value },       — the user cannot change these
 *       "recommendedSettings": { <setting>: value } } — defaults the user may change
 *
 * A malformed field is reported (`PolicyProblem`) and ignored alone; the rest
 * of the policy still applies, and nothing here throws.
 */

/** Why a policy field was ignored; the options page words it (`policyProblem_<code>`). */
export type PolicyProblemCode =
  'notObject' | 'notList' | 'unknownField' | 'host' | 'port' | 'username' | 'password' | 'realm' | 'duplicate' | 'settingValue';

export interface PolicyProblem {
  /** Where in the policy, e.g. `proxies[1].port` or `lockedSettings.attemptCap`: a field's name, never its value. */
  readonly path: string;
  readonly code: PolicyProblemCode;
}

/** A proxy account the administrator configured. Without a password it only names the account; the user signs in. */
export interface PolicyCredential {
  readonly id: string;
  readonly proxy: ProxyEndpoint;
  readonly realm?: string;
  readonly username: string;
  readonly password?: string;
}

export interface Policy {
  readonly credentials: readonly PolicyCredential[];
  readonly locked: Partial<Settings>;
  readonly recommended: Partial<Settings>;
  readonly problems: readonly PolicyProblem[];
}

export const NO_POLICY: Policy = { credentials: [], locked: {}, recommended: {}, problems: [] };

/** The prefix of every policy credential's id: the pages tell them from saved ones by it. */
export const POLICY_ID_PREFIX = 'policy:';

export function isPolicyCredentialId(id: string): boolean {
  return id.startsWith(POLICY_ID_PREFIX);
}

const TOP_FIELDS = ['proxies', 'lockedSettings', 'recommendedSettings'] as const;
const PROXY_FIELDS = ['host', 'port', 'realm', 'username', 'password'] as const;
const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];
const MAX_TEXT = 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, { allowEmpty }: { allowEmpty: boolean }): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT && (allowEmpty || value.trim() !== '');
}

function readProxy(entry: unknown, path: string, problems: PolicyProblem[]): PolicyCredential | undefined {
  if (!isObject(entry)) {
    problems.push({ path, code: 'notObject' });
    return undefined;
  }
  for (const key of Object.keys(entry)) {
    if (!(PROXY_FIELDS as readonly string[]).includes(key)) problems.push({ path: `${path}.${key}`, code: 'unknownField' });
  }
  const { host, port, realm, username, password } = entry;
  const bad: PolicyProblem[] = [];
  // The same canonical form the answerer matches challengers with: a host it refuses could never be answered.
  const canonical = typeof host === 'string' && host.length <= MAX_TEXT ? canonicaliseHost(host) : undefined;
  const hostText = canonical?.ok ? canonical.host : '';
  if (!canonical?.ok) bad.push({ path: `${path}.host`, code: 'host' });
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) bad.push({ path: `${path}.port`, code: 'port' });
  if (!isText(username, { allowEmpty: false })) bad.push({ path: `${path}.username`, code: 'username' });
  if (realm !== undefined && !isText(realm, { allowEmpty: true })) bad.push({ path: `${path}.realm`, code: 'realm' });
  if (password !== undefined && !isText(password, { allowEmpty: false })) bad.push({ path: `${path}.password`, code: 'password' });
  problems.push(...bad);
  // Without its host, port or user the entry names no account; a bad realm or password would answer wrongly.
  if (bad.length > 0) return undefined;
  const realmText = typeof realm === 'string' ? realm.trim() : '';
  const user = (username as string).trim();
  const proxy = { host: hostText, port: port as number };
  return {
    id: `${POLICY_ID_PREFIX}${hostText}:${String(port)}:${realmText}:${user}`,
    proxy,
    ...(realmText ? { realm: realmText } : {}),
    username: user,
    ...(typeof password === 'string' ? { password } : {}),
  };
}

function readSettingsGroup(group: unknown, path: string, problems: PolicyProblem[]): Partial<Settings> {
  if (group === undefined) return {};
  if (!isObject(group)) {
    problems.push({ path, code: 'notObject' });
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group)) {
    if (!(SETTING_KEYS as string[]).includes(key)) {
      problems.push({ path: `${path}.${key}`, code: 'unknownField' });
      continue;
    }
    // The same validation as the settings form: a policy value is held to the same limits.
    if (Object.keys(validateSettingsChanges({ [key]: value })).length > 0) problems.push({ path: `${path}.${key}`, code: 'settingValue' });
    else out[key] = value;
  }
  return out;
}

/** Reads what `storage.managed` holds (anything at all): every good field kept, every bad one reported and dropped. */
export function parsePolicy(raw: unknown): Policy {
  if (raw === undefined || raw === null) return NO_POLICY;
  const problems: PolicyProblem[] = [];
  if (!isObject(raw)) return { ...NO_POLICY, problems: [{ path: '', code: 'notObject' }] };
  for (const key of Object.keys(raw)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) problems.push({ path: key, code: 'unknownField' });
  }
  const credentials: PolicyCredential[] = [];
  const proxies = raw['proxies'];
  if (proxies !== undefined && !Array.isArray(proxies)) problems.push({ path: 'proxies', code: 'notList' });
  if (Array.isArray(proxies)) {
    proxies.forEach((entry: unknown, index) => {
      const path = `proxies[${String(index)}]`;
      const credential = readProxy(entry, path, problems);
      if (!credential) return;
      if (credentials.some((c) => c.id === credential.id)) problems.push({ path, code: 'duplicate' });
      else credentials.push(credential);
    });
  }
  const locked = readSettingsGroup(raw['lockedSettings'], 'lockedSettings', problems);
  const recommended = readSettingsGroup(raw['recommendedSettings'], 'recommendedSettings', problems);
  return { credentials, locked, recommended, problems };
}

/** The policy's accounts with a password, as credentials the answerer uses like saved ones (first, in the policy's order). */
export function policyCredentials(policy: Policy): Credential[] {
  return policy.credentials.flatMap((c, index) =>
    c.password === undefined
      ? []
      : [
          {
            id: c.id,
            proxy: c.proxy,
            ...(c.realm ? { realm: c.realm } : {}),
            username: c.username,
            password: c.password,
            // Kept in memory only: the store never writes a policy credential (credential-store.ts).
            scope: 'session' as const,
            rejected: false,
            order: -1_000_000 + index,
            updatedAt: 0,
          },
        ],
  );
}

/**
 * The settings in force: a locked policy value wins over anything; the
 * user's own value over a recommended one; a recommended one over the
 * default. `sources` says `policy` for both kinds, `locked` which the user cannot change.
 */
export function applyPolicy(read: SettingsRead, policy: Policy): SettingsRead {
  const settings: Record<string, unknown> = { ...read.settings };
  const sources: Record<keyof Settings, SettingSource> = { ...read.sources };
  const locked: (keyof Settings)[] = [];
  for (const key of SETTING_KEYS) {
    if (Object.hasOwn(policy.locked, key)) {
      settings[key] = policy.locked[key];
      sources[key] = 'policy';
      locked.push(key);
    } else if (sources[key] !== 'user' && Object.hasOwn(policy.recommended, key)) {
      settings[key] = policy.recommended[key];
      sources[key] = 'policy';
    }
  }
  const summary = policy.credentials.map(({ password, ...rest }) => ({ ...rest, hasPassword: password !== undefined }));
  return {
    ...read,
    settings: settings as unknown as Settings,
    sources,
    policy: { locked, problems: policy.problems, credentials: summary },
  };
}

/** What the pages may know of the policy: never a password, only whether one is set. */
export interface PolicyView {
  readonly locked: readonly (keyof Settings)[];
  readonly problems: readonly PolicyProblem[];
  readonly credentials: readonly (Omit<PolicyCredential, 'password'> & { readonly hasPassword: boolean })[];
}
