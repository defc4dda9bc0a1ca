import { makeProxyErrorRecord } from '../core/log-record';
import { PromptBoard } from '../core/prompt-board';
import { describeErrorSafely, redactUrlsIn } from '../core/redact-url';
import { Verifier } from '../core/verifier';
import { RequestTracker, SWEEP_EVERY_MS } from '../core/request-tracker';
import { announceChange } from '../messaging/events-channel';
import { SettingsCache } from '../settings/settings-cache';
import { policyCredentials } from '../settings/policy';
import { ManagedPolicy } from '../storage/managed-policy';
import { CredentialStore } from '../storage/credential-store';
import { createDeviceKeySource, createSessionKeySource, fixedKeySource } from '../storage/data-key';
import { EventLogWriter } from '../storage/event-log';
import { DeviceKeys } from '../storage/passphrase';
import { Vault } from '../storage/vault';
import { AnswerMemory } from '../storage/answer-memory';
import { ProxyStandings } from './proxy-standings';
import { Answerer } from './answerer';
import { listenForAuthChallenges } from './auth-listener';
import type { BackgroundApi, CompletedDetails, HeadersDetails, RequestFilter } from './background-api';
import { ToolbarBadge } from './badge';
import {
  NO_PAGE,
  readFailedRequestProxy,
  RESPONSE_LISTENERS_LINGER_MS,
  responseListenersAtStart,
  verifierOptionsFor,
} from './browser-differences';
import { KeepAlive } from './keep-alive';
import { recordBackgroundStart, recordStartTimings } from './lifecycle';
import { createHandlers } from './message-handlers';
import { dispatchMessage, isTrustedSender } from './message-router';
import { PromptWindows } from './prompt-windows';
import { createRequestResultListeners } from './request-results';
import { SignInTester } from './sign-in-test';

/** What is not a browser API but still differs between the product and a test. */
export interface BackgroundOptions {
  /** The vault's device key; by default the one kept in IndexedDB (data-key.ts). */
  readonly loadDataKey?: () => Promise<CryptoKey>;
  /** PBKDF2 iterations for a passphrase set from now on; tests only (production: PBKDF2_ITERATIONS, passphrase.ts). */
  readonly passphraseIterations?: number;
  /** `performance.now()` when the script began to run, before any of its modules was evaluated (script-started.ts). */
  readonly startedMs?: number;
  /** `performance.now()` when the entry script began to run, after every module it imports was evaluated. */
  readonly scriptMs?: number;
}

const ALL_URLS: RequestFilter = { urls: ['<all_urls>'] };

/**
 * The whole background over a browser API: builds its parts (none of which
 * listens to anything by itself), then registers every listener here, in
 * plain sight, synchronously and before any await — or the event that woke
 * the worker is missed (docs/browser-behaviour.md#listener-registration).
 */
export function startBackground(api: BackgroundApi, options: BackgroundOptions = {}): void {
  const now = () => Date.now();
  const newId = () => crypto.randomUUID();
  // Which browser's ways this build takes is read from its own manifest (browser-differences.ts).
  const permissions = api.runtime.getManifest().permissions ?? [];

  const deviceKeys = new DeviceKeys(
    api.storage.local,
    api.storage.session,
    options.loadDataKey ? fixedKeySource(options.loadDataKey) : createDeviceKeySource(),
    options.passphraseIterations,
  );
  const vault = new Vault(
    { device: api.storage.local, session: api.storage.session },
    {
      device: deviceKeys,
      session: createSessionKeySource(api.storage.session),
    },
  );
  const store = new CredentialStore(vault, (problem) => console.warn(`Proxy Keyring: ${redactUrlsIn(problem.message)}`));
  const settings = new SettingsCache(api.storage.local, () => policy.ready());
  // The administrator's policy: its settings over the user's, its accounts beside the saved ones; again on every change.
  const policy = new ManagedPolicy(
    () => api.storage.managed,
    (read) => {
      settings.applyPolicy(read);
      store.setPolicyCredentials(policyCredentials(read));
      if (read.problems.length > 0) console.warn(`Proxy Keyring: policy fields ignored: ${read.problems.map((p) => p.path).join(', ')}`);
      announceChange('credentials');
      announceChange('settings');
    },
  );
  // The responses and ends of requests matter only while one we answered is in flight (see below).
  // At once, so they are registered before the answer goes out: added right after it, Chromium sometimes delivered
  // the retry's response first and the proxy's verdict was lost (docs/browser-behaviour.md#idle-wakes).
  const tracker = new RequestTracker((tracking) => whileTracking(tracking));
  const log = new EventLogWriter(
    () => settings.current().logLimit,
    () => announceChange('log'),
  );
  const keepAlive = new KeepAlive(() => api.runtime.getPlatformInfo());
  const memory = new AnswerMemory(
    { local: api.storage.local, session: api.storage.session },
    (error) => console.warn('Proxy Keyring could not save what a proxy refused:', describeErrorSafely(error)),
    now,
  );
  const standings = new ProxyStandings(
    memory,
    () => ({ lockAfter: settings.current().lockAfterRefusals, windowMs: settings.current().lockWindowMin * 60_000 }),
    now,
  );
  const verifier = new Verifier(
    { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    now,
    verifierOptionsFor(permissions),
    (keys) => memory.saveAcceptedGates(keys),
  );
  const badge = new ToolbarBadge(api, api.storage.session);
  const updateBadge = () =>
    badge.show({
      waiting: board.waitingTotal(),
      anyRejected: store.list().some((c) => c.rejected),
      anyLocked: standings.anyLocked(),
    });
  const windows = new PromptWindows(api, (promptId) => board.cancel(promptId, 'user'));
  const board: PromptBoard = new PromptBoard(
    () => settings.current().promptTimeoutSec * 1000,
    undefined,
    () => {
      keepAlive.update(board.list().length > 0);
      updateBadge();
      void windows.closeEnded(new Set(board.list().map((p) => p.id)));
      announceChange('prompts');
    },
  );
  const signInTester = new SignInTester({
    tabs: api.tabs,
    webRequest: api.webRequest,
    testUrl: () => settings.current().testUrl,
    savedProxies: () => store.list().map((c) => c.proxy),
    proxyOf: (details) => readFailedRequestProxy(details, api),
    promptTimeoutMs: () => settings.current().promptTimeoutSec * 1000,
    now,
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
  });
  // One promise while neither load is started again, so the answerer sees it done and does not await it per answer.
  let settingsLoad: { readonly settings: Promise<unknown>; readonly policy: Promise<unknown>; readonly both: Promise<void> } | undefined;
  const settingsReady = (): Promise<void> => {
    const [s, p] = [settings.ready(), policy.ready()];
    if (settingsLoad?.settings !== s || settingsLoad.policy !== p) {
      settingsLoad = { settings: s, policy: p, both: Promise.all([s, p]).then(() => undefined) };
    }
    return settingsLoad.both;
  };
  const answerer = new Answerer({
    store,
    board,
    tracker,
    verifier,
    standings,
    memory,
    standingsChanged: () => {
      updateBadge();
      announceChange('standings');
    },
    settings: () => settings.current(),
    // A policy account must be in memory before the first challenge is decided, like the saved ones.
    settingsReady,
    log: (record) => {
      log.append(record);
      signInTester.observeRecord(record);
    },
    openPromptWindow: (prompt) =>
      void windows.open(prompt).catch((error: unknown) => {
        console.error('Proxy Keyring could not open its prompt:', describeErrorSafely(error));
        board.cancel(prompt.id, 'user');
      }),
    now,
    newId,
  });
  const results = createRequestResultListeners({
    isTracked: (requestId) => tracker.has(requestId),
    onResult: (requestId, result) => {
      // The end of a request we answered is the proxy's verdict too (in case no headers were seen).
      if (result.statusCode !== undefined) answerer.observeResponse({ requestId, statusCode: result.statusCode });
      else answerer.observeEnd(requestId, result.error);
      tracker.finish(requestId);
      log.setFinal(requestId, result, now());
      // A refused credential changes the badge; the request's end is a cheap moment to refresh it.
      updateBadge();
    },
    onProxyFailure: (failure) => log.append(makeProxyErrorRecord({ ...failure, time: now(), urlDetail: settings.current().urlDetail })),
    proxyOf: (details) => readFailedRequestProxy(details, api),
  });
  const handlers = createHandlers({
    answerer,
    board,
    store,
    log,
    settings,
    now,
    newId,
    credentialsChanged: updateBadge,
    deviceKeys,
    signInTester,
  });

  // The loads a woken worker's first answer waits on go out before the listeners are registered: registering costs
  // Chromium a few ms (its first onAuthRequired listener most), and the reads overlap it. Nothing here awaits them.
  const parts = answerer.readyParts();
  const loading = Promise.all([parts.credentials, parts.settings, parts.memory]);
  loading.catch(() => undefined);
  const doneMs = (load: Promise<unknown>) => load.then(() => Math.round(performance.now()));
  const partsMs = Promise.all([doneMs(parts.credentials), doneMs(parts.settings), doneMs(parts.memory)]);
  partsMs.catch(() => undefined);
  const loadsAskedMs = performance.now();

  // Every listener, in this order. onAuthRequired first: a challenge is what wakes the worker most.
  listenForAuthChallenges(api, (details) => answerer.answer(details));
  const authListenerMs = performance.now();
  // Failures: of requests we track, and of any request at an unreachable proxy (logged for the diagnostics page).
  api.webRequest.onErrorOccurred.addListener((details) => results.onErrorOccurred(details), ALL_URLS);
  // Responses and completions: a listener for every response wakes a stopped background for every page the browser
  // loads, proxy or not, so they are listened to only while needed (browser-differences.ts responseListenersAtStart).
  // The first response to a request we answered is the proxy's verdict on the password (verifier.ts).
  const onHeaders = (details: HeadersDetails) => answerer.observeResponse(details);
  const onCompleted = (details: CompletedDetails) => results.onCompleted(details);
  let responseListeners = false;
  let lingering: ReturnType<typeof setTimeout> | undefined;
  function listenToResponses(on: boolean): void {
    if (on === responseListeners) return;
    responseListeners = on;
    if (on) {
      api.webRequest.onHeadersReceived.addListener(onHeaders, ALL_URLS);
      api.webRequest.onCompleted.addListener(onCompleted, ALL_URLS);
    } else {
      api.webRequest.onHeadersReceived.removeListener(onHeaders);
      api.webRequest.onCompleted.removeListener(onCompleted);
    }
  }
  // Challenges come in bursts and page after page: the listeners stay RESPONSE_LISTENERS_LINGER_MS after the last
  // tracked request, so the next answer need not wait on registering them again.
  // A request whose end never comes (its verdict lost) is let go by the tracker's sweep, and the listeners with it.
  let sweeping: ReturnType<typeof setInterval> | undefined;
  function whileTracking(tracking: boolean): void {
    clearTimeout(lingering);
    clearInterval(sweeping);
    lingering = tracking ? undefined : setTimeout(() => listenToResponses(false), RESPONSE_LISTENERS_LINGER_MS);
    sweeping = tracking ? setInterval(() => tracker.dropStale(now()), SWEEP_EVERY_MS) : undefined;
    if (tracking) listenToResponses(true);
  }
  if (responseListenersAtStart(permissions) === 'add-and-remove') {
    // Chrome: drops a registration left by a worker stopped while it tracked a request; after the first turn, since
    // registering costs a woken worker milliseconds before the challenge that woke it is delivered.
    setTimeout(() => {
      if (tracker.size > 0 || responseListeners) return;
      listenToResponses(true);
      listenToResponses(false);
    }, 0);
  } else {
    // Firefox: without these the listeners added for a challenge hear nothing more of its request; for a URL no page
    // has, they wake nothing.
    api.webRequest.onHeadersReceived.addListener(() => undefined, NO_PAGE);
    api.webRequest.onCompleted.addListener(() => undefined, NO_PAGE);
  }
  api.runtime.onMessage.addListener((message, sender) => {
    if (!isTrustedSender(sender, api.runtime.id, api.runtime.getURL(''))) return undefined;
    return dispatchMessage(handlers, message);
  });
  api.storage.onChanged.addListener((changes, areaName) => {
    settings.applyStorageChange(changes, areaName);
    policy.applyStorageChange(areaName);
  });
  api.windows.onRemoved.addListener((windowId) => windows.handleWindowRemoved(windowId));

  // After the listeners: recording the start must not delay them.
  void recordBackgroundStart(api.storage.session, now()).catch(() => undefined);
  const listenersMs = performance.now();
  void loading
    .then(
      async () => {
        const readyMs = Math.round(performance.now());
        const [credentialsMs, settingsMs, memoryMs] = await partsMs;
        await recordStartTimings(api.storage.session, {
          ...(options.startedMs === undefined ? {} : { startedMs: Math.round(options.startedMs) }),
          scriptMs: Math.round(options.scriptMs ?? listenersMs),
          loadsAskedMs: Math.round(loadsAskedMs),
          authListenerMs: Math.round(authListenerMs),
          listenersMs: Math.round(listenersMs),
          readyMs,
          credentialsMs,
          settingsMs,
          memoryMs,
        });
      },
      () => undefined,
    )
    .catch(() => undefined);
  // A start that finds the icon as the last one left it sets none (setIcon is costly: badge.ts).
  void Promise.all([store.ready(), badge.restore().catch(() => undefined)]).then(updateBadge, () => undefined);
  void policy.ready();
}
