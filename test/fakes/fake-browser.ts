import { englishMessage } from './english';
import { fakeBrowser } from '@webext-core/fake-browser';
import type { BackgroundApi, MessageSender } from '../../src/background/background-api';
import type { MessageType, Reply, RequestOf, ResponseOf } from '../../src/messaging/protocol';
import { createFakeWindows, type FakeWindows } from './fake-browser-windows';
import { createFakeWebRequest, type FakeWebRequest } from './fake-web-request';
import { createFakeTabs, type FakeTabs } from './fake-tabs';

/** The two ways a build answers challenges, told apart by its manifest's permissions. */
export const BROWSER_PATHS: readonly { readonly name: string; readonly permissions: readonly string[] }[] = [
  { name: 'Chrome (asyncBlocking + callback)', permissions: ['webRequest', 'webRequestAuthProvider', 'storage'] },
  { name: 'Firefox (blocking + Promise)', permissions: ['webRequest', 'webRequestBlocking', 'storage'] },
];

export type BrowserPath = (typeof BROWSER_PATHS)[number];

/**
 * A whole browser for one background, in memory: @webext-core/fake-browser
 * for runtime messages, storage and the action badge, and our own fakes for
 * what it lacks (webRequest with both answer paths, windows that keep their
 * URL, a manifest, the keep-alive ping, permissions and proxy settings).
 * Call `fakeBrowser.reset()` before each test: the fake-browser parts are
 * one shared instance.
 */
export interface FakeBrowserWorld {
  readonly api: BackgroundApi;
  readonly webRequest: FakeWebRequest;
  readonly windows: FakeWindows;
  /** The tabs the background opened (the sign-in test). */
  readonly tabs: FakeTabs;
  /** Times the background called an extension API to stay awake. */
  readonly pings: () => number;
  /** Grants the optional `proxy` permission and sets what `proxy.settings.get` reads. */
  grantProxy(settings: unknown): void;
  /** A page of the extension sends a typed message; throws the background's error. */
  send<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>>;
  /** Any message from any sender, and the raw reply (undefined: the background did not answer). */
  sendRaw(message: unknown, sender?: MessageSender): Promise<unknown>;
  readonly trustedSender: MessageSender;
  /** The badge text and background colour now. */
  badge(): Promise<{ text: string; color: readonly number[] }>;
  /** The icon files the toolbar button shows now (by size), or undefined while it shows the manifest's. */
  icon(): Readonly<Record<string, string>> | undefined;
  /**
   * The worker is stopped and woken: listeners gone, storage, IndexedDB and
   * open windows kept. Returns the world for the next background.
   */
  restart(): FakeBrowserWorld;
}

/** The toolbar button's icon: fake-browser does not keep one (its setIcon throws), and it outlives a restart of the background. */
interface FakeToolbar {
  icon?: Readonly<Record<string, string>>;
}

export function createFakeBrowser(
  permissions: readonly string[],
  windows: FakeWindows = createFakeWindows(),
  toolbar: FakeToolbar = {},
): FakeBrowserWorld {
  const webRequest = createFakeWebRequest(permissions);
  const tabs = createFakeTabs();
  let pings = 0;
  let proxyGranted = false;
  let proxySettings: unknown = {};
  const trustedSender: MessageSender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('src/ui/options/index.html') };
  const api: BackgroundApi = {
    runtime: {
      get id() {
        return fakeBrowser.runtime.id;
      },
      getURL: (path) => fakeBrowser.runtime.getURL(path),
      getManifest: () => ({ permissions: [...permissions] }),
      getPlatformInfo: () => {
        pings++;
        return Promise.resolve({ os: 'linux', arch: 'x86-64' });
      },
      onMessage: fakeBrowser.runtime.onMessage,
    },
    storage: {
      local: fakeBrowser.storage.local,
      session: fakeBrowser.storage.session,
      onChanged: fakeBrowser.storage.onChanged,
    },
    webRequest,
    // Both builds see the same fake: the manifest decides which path is taken.
    chromeWebRequest: webRequest,
    windows,
    tabs,
    action: {
      setBadgeText: (details) => fakeBrowser.action.setBadgeText(details),
      setBadgeBackgroundColor: (details) => fakeBrowser.action.setBadgeBackgroundColor(details),
      setIcon: ({ path }) => {
        toolbar.icon = { ...path };
        return Promise.resolve();
      },
    },
    // The English words, as the browser would give them.
    i18n: { getMessage: (name) => englishMessage(name) },
    permissions: { contains: ({ permissions: asked }) => Promise.resolve(asked.every((p) => p === 'proxy' && proxyGranted)) },
    get proxy() {
      return proxyGranted ? { settings: { get: () => Promise.resolve(structuredClone(proxySettings)) } } : undefined;
    },
  };
  const sendRaw = async (message: unknown, sender: MessageSender = trustedSender): Promise<unknown> => {
    const replies = await fakeBrowser.runtime.onMessage.trigger(message, sender, () => undefined);
    return replies.find((r) => r !== undefined);
  };
  return {
    api,
    webRequest,
    windows,
    tabs,
    pings: () => pings,
    grantProxy(settings) {
      proxyGranted = true;
      proxySettings = settings;
    },
    async send(type, payload) {
      const reply = (await sendRaw({ type, payload })) as Reply<ResponseOf<typeof type>> | undefined;
      if (!reply) throw new Error(`No answer to ${type}.`);
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.value;
    },
    sendRaw,
    trustedSender,
    async badge() {
      return {
        text: await fakeBrowser.action.getBadgeText({}),
        color: await fakeBrowser.action.getBadgeBackgroundColor({}),
      };
    },
    icon: () => toolbar.icon,
    restart() {
      fakeBrowser.runtime.onMessage.removeAllListeners();
      fakeBrowser.storage.onChanged.removeAllListeners();
      windows.dropListeners();
      return createFakeBrowser(permissions, windows, toolbar);
    },
  };
}
