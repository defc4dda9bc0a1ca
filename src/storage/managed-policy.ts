import { NO_POLICY, parsePolicy, type Policy } from '../settings/policy';

/**
 * `storage.managed`: what the administrator configured for this extension.
 * Chrome fills it from its policies (`3rdparty.extensions.<id>`, checked
 * against public/managed-schema.json), Firefox from `policies.json`
 * (`3rdparty.Extensions.<gecko id>`). Read-only for the extension.
 */
export interface ManagedArea {
  get(keys?: null): Promise<Record<string, unknown>>;
}

/**
 * The policy now. No managed area (a browser or build without one), one that
 * refuses to be read (Firefox rejects when no policy names the extension),
 * or an empty one: no policy. What is there is read field by field, so a
 * malformed policy is reported and ignored, never thrown.
 */
export async function readManagedPolicy(area: ManagedArea | undefined): Promise<Policy> {
  if (!area) return NO_POLICY;
  let stored: Record<string, unknown>;
  try {
    stored = await area.get(null);
  } catch {
    return NO_POLICY;
  }
  if (typeof stored !== 'object' || stored === null || Object.keys(stored).length === 0) return NO_POLICY;
  return parsePolicy(stored);
}

/**
 * Reads the policy once for every caller until it changes: the background
 * starts one read at start-up, every challenge waits for the same one, and a
 * `storage.onChanged` for `managed` starts the next (`refresh`). Each read
 * that completes is handed to `apply`, in order: a slow earlier read never
 * overwrites a later one.
 */
export class ManagedPolicy {
  #current: Promise<Policy> | undefined;
  #generation = 0;

  constructor(
    private readonly area: () => ManagedArea | undefined,
    private readonly apply: (policy: Policy) => void,
  ) {}

  ready(): Promise<Policy> {
    return (this.#current ??= this.#read());
  }

  /** The browser said the managed area changed: read it again and apply what it says now. */
  refresh(): Promise<Policy> {
    this.#current = this.#read();
    return this.#current;
  }

  /** For `storage.onChanged`: only a change of the `managed` area concerns the policy. */
  applyStorageChange(areaName: string): void {
    if (areaName === 'managed') void this.refresh();
  }

  async #read(): Promise<Policy> {
    const generation = ++this.#generation;
    const policy = await readManagedPolicy(this.area());
    if (generation === this.#generation) this.apply(policy);
    return policy;
  }
}
