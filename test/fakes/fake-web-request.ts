import type {
  BlockingResponse,
  CallbackAuthEvent,
  CompletedDetails,
  HeadersDetails,
  ErrorDetails,
  PromiseAuthEvent,
  RequestFilter,
} from '../../src/background/background-api';

type AuthListener =
  | { readonly mode: 'asyncBlocking'; readonly listener: (details: unknown, callback: (response?: BlockingResponse) => void) => void }
  | { readonly mode: 'blocking'; readonly listener: (details: unknown) => Promise<BlockingResponse> };

/**
 * `webRequest.onAuthRequired` as both browsers run it, for the permissions
 * the manifest asks for:
 * - `['asyncBlocking']` (Chrome, permission `webRequestAuthProvider`): the
 *   listener gets `(details, callback)`; the answer is what the callback got,
 *   whatever the listener returns.
 * - `['blocking']` (Firefox, permission `webRequestBlocking`): the listener
 *   gets `(details)`; the answer is the Promise it returns.
 * Asking for a mode without its permission throws, as the browsers do, so a
 * background that takes the wrong path fails at registration.
 */
export class FakeAuthRequiredEvent implements PromiseAuthEvent, CallbackAuthEvent {
  readonly #listeners: AuthListener[] = [];

  constructor(private readonly permissions: readonly string[]) {}

  addListener(
    listener: (details: unknown, callback: (response?: BlockingResponse) => void) => unknown,
    _filter: RequestFilter,
    extraInfoSpec: string[],
  ): void {
    if (extraInfoSpec.includes('asyncBlocking')) {
      if (!this.permissions.includes('webRequestAuthProvider'))
        throw new Error("'asyncBlocking' needs the webRequestAuthProvider permission.");
      this.#listeners.push({ mode: 'asyncBlocking', listener });
    } else if (extraInfoSpec.includes('blocking')) {
      if (!this.permissions.includes('webRequestBlocking')) throw new Error("'blocking' needs the webRequestBlocking permission.");
      this.#listeners.push({ mode: 'blocking', listener: listener as (d: unknown) => Promise<BlockingResponse> });
    } else {
      throw new Error('A listener that cannot answer is of no use to an auth provider.');
    }
  }

  /** How the listeners were registered, in order. */
  get modes(): readonly ('asyncBlocking' | 'blocking')[] {
    return this.#listeners.map((l) => l.mode);
  }

  /**
   * The browser meets a challenge: resolves with the answer the extension
   * gave, or `undefined` when no listener is there (the browser's own dialog).
   * Two answering listeners would be a bug in the background, so that throws.
   * `received` runs the moment the browser gets the answer (inside the
   * callback, or as the returned Promise settles), for what the background
   * had done by then.
   */
  async trigger(details: unknown, received: () => void = () => undefined): Promise<BlockingResponse | undefined> {
    if (this.#listeners.length > 1) throw new Error(`${this.#listeners.length} onAuthRequired listeners answer one challenge.`);
    const registered = this.#listeners[0];
    if (!registered) return undefined;
    const copy = structuredClone(details);
    if (registered.mode === 'blocking') {
      const answer = registered.listener(copy);
      // As the browser does: it reacts to the Promise once the listener returned it, after what the listener chained on it.
      void answer.then(received, () => undefined);
      return answer;
    }
    return new Promise<BlockingResponse | undefined>((resolve) =>
      registered.listener(copy, (response) => {
        received();
        resolve(response);
      }),
    );
  }
}

/** A non-blocking webRequest event: listeners only watch, each the URLs its filter matches. */
export class FakeWebRequestEvent<Details> {
  readonly #listeners: { readonly listener: (details: Details) => void; readonly filter: RequestFilter }[] = [];

  addListener(listener: (details: Details) => void, filter: RequestFilter): void {
    if (!this.#listeners.some((l) => l.listener === listener)) this.#listeners.push({ listener, filter });
  }

  removeListener(listener: (details: Details) => void): void {
    const index = this.#listeners.findIndex((l) => l.listener === listener);
    if (index !== -1) this.#listeners.splice(index, 1);
  }

  get listenerCount(): number {
    return this.#listeners.length;
  }

  /** How many listeners a request for `url` reaches (a stopped background is woken for these). */
  hearing(url: string): number {
    return this.#listeners.filter((l) => matchesFilter(l.filter, url)).length;
  }

  /** To the listeners whose filter matches the details' URL; details without one (as most tests send) reach all. */
  trigger(details: Details): void {
    const url = (details as { url?: unknown }).url;
    for (const { listener, filter } of [...this.#listeners]) {
      if (typeof url !== 'string' || matchesFilter(filter, url)) listener(structuredClone(details));
    }
  }
}

/** A match pattern as the browsers read one, enough for the filters the background uses: `<all_urls>`, or `scheme://host/path` with `*`. */
function matchesFilter(filter: RequestFilter, url: string): boolean {
  return filter.urls.some((pattern) => {
    if (pattern === '<all_urls>') return true;
    const [, scheme = '', rest = ''] = /^([^:]+):\/\/(.*)$/.exec(pattern) ?? [];
    const glob = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
    return new RegExp(`^${scheme === '*' ? 'https?' : glob(scheme)}://${glob(rest)}$`).test(url);
  });
}

export interface BeforeRequestDetails {
  readonly requestId: string;
  readonly url: string;
}

/** The webRequest events the background can listen to, each with `trigger`. */
export function createFakeWebRequest(permissions: readonly string[]) {
  return {
    onAuthRequired: new FakeAuthRequiredEvent(permissions),
    onHeadersReceived: new FakeWebRequestEvent<HeadersDetails>(),
    onCompleted: new FakeWebRequestEvent<CompletedDetails>(),
    onErrorOccurred: new FakeWebRequestEvent<ErrorDetails & { proxyInfo?: { host: string; port: number } }>(),
    onBeforeRequest: new FakeWebRequestEvent<BeforeRequestDetails>(),
  };
}

export type FakeWebRequest = ReturnType<typeof createFakeWebRequest>;
