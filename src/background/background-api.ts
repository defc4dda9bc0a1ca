import type { KeyValueArea } from '../storage/key-value-area';
import type { StorageChange } from '../settings/settings-cache';
import type { ManagedArea } from '../storage/managed-policy';

/**
 * Exactly the browser surface the background uses, and nothing more. The
 * entry file builds it from webextension-polyfill and Chrome's own `chrome`
 * global; the unit tests build it from fakes and drive the whole background
 * in one process.
 */

/** Every challenged and every failed request is of interest: a proxy stands in front of any URL. */
export interface RequestFilter {
  readonly urls: string[];
  /** Only one tab's requests (the sign-in test's tab). */
  readonly tabId?: number;
  readonly types?: string[];
}

/** What a blocking onAuthRequired listener answers (both browsers use this shape). */
export interface BlockingResponse {
  readonly authCredentials?: { readonly username: string; readonly password: string };
  readonly cancel?: boolean;
}

/** Firefox: `['blocking']`, the answer is the listener's returned Promise. */
export interface PromiseAuthEvent {
  addListener(listener: (details: unknown) => Promise<BlockingResponse>, filter: RequestFilter, extraInfoSpec: 'blocking'[]): void;
}

/** Chrome (MV3): `['asyncBlocking']`, the answer goes to the callback; a returned Promise is ignored. */
export interface CallbackAuthEvent {
  addListener(
    listener: (details: unknown, callback: (response?: BlockingResponse) => void) => void,
    filter: RequestFilter,
    extraInfoSpec: 'asyncBlocking'[],
  ): void;
}

export interface CompletedDetails {
  readonly requestId: string;
  readonly statusCode: number;
  /** Both browsers send them; the sign-in test follows its tab's page request by them. */
  readonly tabId?: number;
  readonly type?: string;
}

/** A response's headers arrived: for a request we answered, the proxy's verdict on the password. */
export interface HeadersDetails {
  readonly requestId: string;
  readonly statusCode: number;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
}

export interface ErrorDetails {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly tabId: number;
  readonly error: string;
}

export interface WebRequestEvent<Details> {
  addListener(listener: (details: Details) => void, filter: RequestFilter): void;
  removeListener(listener: (details: Details) => void): void;
}

export interface MessageSender {
  readonly id?: string;
  readonly url?: string;
}

export interface BackgroundApi {
  readonly runtime: {
    readonly id: string;
    getURL(path: string): string;
    getManifest(): { readonly permissions?: readonly string[] };
    /** Any cheap extension API call: keeps Chrome's worker from idling out. */
    getPlatformInfo(): Promise<unknown>;
    readonly onMessage: {
      addListener(listener: (message: unknown, sender: MessageSender) => Promise<unknown> | undefined): void;
    };
  };
  readonly storage: {
    readonly local: KeyValueArea;
    readonly session: KeyValueArea;
    /** The administrator's policy (managed-policy.ts); absent where the browser has none. */
    readonly managed?: ManagedArea;
    readonly onChanged: {
      addListener(listener: (changes: Record<string, StorageChange>, areaName: string) => void): void;
    };
  };
  readonly webRequest: {
    readonly onAuthRequired: PromiseAuthEvent;
    readonly onHeadersReceived: WebRequestEvent<HeadersDetails>;
    readonly onCompleted: WebRequestEvent<CompletedDetails>;
    readonly onErrorOccurred: WebRequestEvent<ErrorDetails>;
  };
  /**
   * Chrome's own `chrome.webRequest`, for the one event the polyfill cannot
   * carry: onAuthRequired with `asyncBlocking` and a callback.
   */
  readonly chromeWebRequest?: { readonly onAuthRequired: CallbackAuthEvent };
  readonly windows: {
    create(data: { url: string; type: 'popup'; width: number; height: number; focused: boolean }): Promise<{ readonly id?: number }>;
    remove(windowId: number): Promise<void>;
    readonly onRemoved: { addListener(listener: (windowId: number) => void): void };
  };
  /** The sign-in test's background tab (create and remove need no `tabs` permission). */
  readonly tabs: {
    create(properties: { url: string; active: boolean }): Promise<{ readonly id?: number }>;
    update(tabId: number, properties: { url: string }): Promise<unknown>;
    remove(tabId: number): Promise<void>;
  };
  readonly action: {
    setBadgeText(details: { text: string }): Promise<void>;
    setBadgeBackgroundColor(details: { color: string }): Promise<void>;
    /** The toolbar icon of the state (src/background/badge.ts): one file per size, from the extension's root. */
    setIcon(details: { path: Readonly<Record<string, string>> }): Promise<void>;
  };
  /** The words of the few texts the background shows itself (the badge). */
  readonly i18n: { getMessage(name: string): string };
  readonly permissions: { contains(permissions: { permissions: string[] }): Promise<boolean> };
  /** Only there once the user granted the optional `proxy` permission. */
  readonly proxy?: { readonly settings: { get(details: Record<string, never>): Promise<unknown> } };
}
