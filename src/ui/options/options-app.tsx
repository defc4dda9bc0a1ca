import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { buildAdminReport } from '../../core/admin-report';
import type { CredentialSummary } from '../../core/credential';
import type { CredentialInput } from '../../core/credential-input';
import type { UserMessage } from '../../core/message-key';
import { findRefusedAnswers, findStrictProxies, type DiagnosisContext } from '../../core/diagnose';
import { recordsToCsv, recordsToJson } from '../../core/log-export';
import type { LogRecord } from '../../core/log-record';
import type { LogHealth } from '../../storage/event-log';
import { readProxyConfig, type ProxyConfigView } from '../../core/proxy-config';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { redactUrl } from '../../core/redact-url';
import type { Settings } from '../../settings/settings';
import type { SettingsRead } from '../../settings/settings';
import type { BackgroundSeam } from '../shared/background-seam';
import { describeError, t } from '../shared/i18n';
import { CAUSE_KEYS, CONTROLLER_KEYS, MODE_KEYS } from '../shared/message-keys';
import { lastResultByProxy } from '../../core/last-results';
import type { InspectorState } from './inspector-section';
import { mergeNewestWindow } from '../../core/merge-records';
import { OptionsPage } from './options-page';
import type { StandingView } from '../../core/refusal-guard';

/** How many of the newest records a live update re-reads. */
const LIVE_WINDOW = 1000;
/**
 * The first read: the newest records show at once, the rest follow. Reading
 * 100,000 records from IndexedDB takes seconds (measured: ~2.2 s in Chromium
 * here), almost all of it IndexedDB's own structured-clone reads. A hundred
 * fill the table's view and more, and no log limit is lower; with 500 the
 * first rows came ~70 ms later (Chromium, 100,000 records, median of 10 loads).
 */
export const FIRST_WINDOW = 100;

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The browser's proxy setup in one line for the admin report. */
function describeProxyMode(config: ProxyConfigView | undefined): string {
  if (!config) return t('reportProxyModeUnknown');
  const servers = config.servers.map((s) => `${s.scheme} ${formatEndpoint(s)}`).join(', ');
  // Redacted before it is cut short: a cut can leave a password that no longer looks like one.
  const pac = config.pacUrl ? t('reportProxyPac', redactUrl(config.pacUrl).slice(0, 120)) : '';
  return [t(MODE_KEYS[config.mode]), servers, pac, t('reportProxyControlledBy', t(CONTROLLER_KEYS[config.controlledBy]))]
    .filter(Boolean)
    .join('; ');
}

/** What the options page needs beyond the background: the browser's proxy settings and facts for the report. */
export interface OptionsSeam extends BackgroundSeam {
  readonly hasProxyPermission: () => Promise<boolean>;
  /** Must be called straight from the click: a permission request needs the user's gesture, and an `await` ends it. */
  readonly requestProxyPermission: () => Promise<boolean>;
  /** The browser's raw `proxy.settings.get` answer. */
  readonly readProxySettings: () => Promise<unknown>;
  readonly describeBrowser: () => Promise<string>;
  readonly extensionVersion: string;
}

/**
 * The options page wired to the background: reads, live updates, and every
 * action the page offers. `newest`: the newest `FIRST_WINDOW` records, read
 * as the page's script started (undefined when that read failed);
 * `firstRecords`: those records when they came before the first render.
 */
export function OptionsApp({
  seam,
  newest,
  firstRecords = [],
}: {
  seam: OptionsSeam;
  newest?: Promise<readonly LogRecord[] | undefined>;
  firstRecords?: readonly LogRecord[];
}) {
  const { send: sendMessage, readRecentRecords, onChange } = seam;
  const readProxySettings = async (): Promise<ProxyConfigView | undefined> =>
    (await seam.hasProxyPermission()) ? readProxyConfig(await seam.readProxySettings()) : undefined;

  const [credentials, setCredentials] = useState<readonly CredentialSummary[]>([]);
  const [problems, setProblems] = useState<readonly UserMessage[]>([]);
  const [standings, setStandings] = useState<readonly StandingView[]>([]);
  const [records, setRecords] = useState<readonly LogRecord[]>(firstRecords);
  const [settings, setSettingsState] = useState<SettingsRead>();
  // Live updates run in a listener registered once: they read the log limit from here, not from the first render.
  const logLimit = useRef(200_000);
  const setSettings = (read: SettingsRead) => {
    logLimit.current = read.settings.logLimit;
    setSettingsState(read);
  };
  const [inspector, setInspector] = useState<InspectorState>({ kind: 'idle' });
  const [report, setReport] = useState<{ text: string; copied: boolean }>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const [loadingMore, setLoadingMore] = useState(firstRecords.length >= FIRST_WINDOW);
  const [logHealth, setLogHealth] = useState<LogHealth>();

  const fail = (e: unknown) => setError(describeError(e));

  const loadCredentials = async () => {
    const [list, proxies] = await Promise.all([sendMessage('credentials:list', {}), sendMessage('proxies:standings', {})]);
    setCredentials(list.credentials);
    setProblems(list.problems);
    setStandings(proxies);
  };

  /**
   * The newest records as soon as IndexedDB gives them (they need neither the
   * settings nor the flush), then every record up to `limit` once the
   * background has written what it held.
   */
  const loadAllRecords = async (limit: number | Promise<number>, early?: Promise<readonly LogRecord[] | undefined>) => {
    // The flush says how the log is; what is on disk is read even when it could not write.
    const flushing = sendMessage('log:flush', {}).catch(fail);
    const first = (await early) ?? (await readRecentRecords(FIRST_WINDOW));
    setRecords(typeof limit === 'number' ? first.slice(0, limit) : first);
    setLoadingMore(first.length >= FIRST_WINDOW);
    try {
      const [flushed, max] = await Promise.all([flushing, limit]);
      setLogHealth(flushed?.health);
      setRecords(await readRecentRecords(max));
    } finally {
      setLoadingMore(false);
    }
  };

  const refreshRecords = async () => {
    const window = await readRecentRecords(LIVE_WINDOW);
    let gap = false;
    setRecords((current) => {
      const merged = mergeNewestWindow(current, window);
      if (merged) return merged;
      gap = true;
      return current;
    });
    if (gap) await loadAllRecords(logLimit.current);
    setNow(Date.now());
  };

  useEffect(() => {
    void (async () => {
      try {
        const settingsRead = sendMessage('settings:get', {}).then((state) => {
          setSettings(state);
          return state;
        });
        await Promise.all([
          settingsRead.then(loadCredentials),
          loadAllRecords(
            settingsRead.then((state) => state.settings.logLimit),
            newest,
          ),
        ]);
      } catch (e) {
        fail(e);
      }
    })();
    return onChange((what) => {
      if (what === 'credentials' || what === 'standings') void loadCredentials().catch(fail);
      if (what === 'log') void refreshRecords().catch(fail);
      // A policy that changed while the page is open: what it locks or recommends shows without a reload.
      if (what === 'settings') void sendMessage('settings:get', {}).then(setSettings, fail);
    });
  }, []);

  // Each goes through every record: computed again only when the records change, not the saved passwords.
  const strictProxies = useMemo(() => findStrictProxies(records), [records]);
  const refusedAnswers = useMemo(() => findRefusedAnswers(records), [records]);
  const context: DiagnosisContext = useMemo(
    () => ({ savedProxies: credentials.map((c) => c.proxy), strictProxies, refusedAnswers }),
    [credentials, strictProxies, refusedAnswers],
  );
  const lastResults = useMemo(() => lastResultByProxy(records), [records]);

  const actions = {
    send: sendMessage,
    onSaveCredential: async (input: CredentialInput) => {
      const result = await sendMessage('credentials:save', input);
      if ('errors' in result) return result.errors;
      await loadCredentials();
      return undefined;
    },
    onDeleteCredential: (credential: CredentialSummary) => {
      if (!confirm(t('optionsDeleteConfirm', credential.username, formatEndpoint(credential.proxy)))) return;
      void sendMessage('credentials:delete', { id: credential.id }).then(loadCredentials).catch(fail);
    },
    onMoveCredential: (credential: CredentialSummary, direction: 'up' | 'down') => {
      void sendMessage('credentials:move', { id: credential.id, direction })
        .then((list) => setCredentials(list.credentials))
        .catch(fail);
    },
    onExport: (format: 'json' | 'csv', shown: readonly LogRecord[]) => {
      const day = new Date().toISOString().slice(0, 10);
      if (format === 'json') download(`proxy-keyring-log-${day}.json`, 'application/json', recordsToJson(shown, context));
      else download(`proxy-keyring-log-${day}.csv`, 'text/csv', recordsToCsv(shown, context));
    },
    onClearLog: () => {
      if (!confirm(t('diagClearConfirm', String(records.length)))) return;
      void sendMessage('log:clear', {}).then(() => setRecords([]), fail);
    },
    onCopyReport: () => {
      void (async () => {
        const config = await readProxySettings().catch(() => undefined);
        const text = buildAdminReport(
          records,
          context,
          {
            now: Date.now(),
            browser: await seam.describeBrowser(),
            extensionVersion: seam.extensionVersion,
            proxyMode: describeProxyMode(config),
          },
          (cause) => t(CAUSE_KEYS[cause]),
          t,
        );
        const copied = await navigator.clipboard.writeText(text).then(
          () => true,
          () => false,
        );
        setReport({ text, copied });
      })().catch(fail);
    },
    onInspect: () => {
      // No await before the request: it must run inside the click's user gesture.
      void seam
        .requestProxyPermission()
        .then(async (granted) => {
          if (!granted) return setInspector({ kind: 'denied' });
          const config = await readProxySettings();
          setInspector(config ? { kind: 'read', config } : { kind: 'denied' });
        })
        .catch((e: unknown) => setInspector({ kind: 'error', message: describeError(e) }));
    },
    onUnlock: (proxy: string) => {
      void sendMessage('proxies:unlock', { proxy }).then(loadCredentials).catch(fail);
    },
    onSaveSettings: async (changes: Partial<Record<keyof Settings, unknown>>) => {
      const result = await sendMessage('settings:save', { changes });
      if ('errors' in result) return result.errors;
      setSettings(result);
      return undefined;
    },
  };

  return (
    <OptionsPage
      data={{
        credentials,
        problems,
        standings,
        records,
        lastResults,
        context,
        ...(settings ? { settings } : {}),
        inspector,
        ...(report ? { report } : {}),
        now,
        loadingMore,
        ...(logHealth ? { logHealth } : {}),
        ...(error ? { error } : {}),
      }}
      actions={actions}
    />
  );
}
