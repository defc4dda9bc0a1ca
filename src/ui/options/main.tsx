import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { buildAdminReport } from '../../core/admin-report';
import type { CredentialSummary } from '../../core/credential';
import type { CredentialInput } from '../../core/credential-input';
import { findRefusedAnswers, findStrictProxies, type DiagnosisContext } from '../../core/diagnose';
import { recordsToCsv, recordsToJson } from '../../core/log-export';
import type { LogRecord } from '../../core/log-record';
import { readProxyConfig, type ProxyConfigView } from '../../core/proxy-config';
import { formatEndpoint } from '../../core/proxy-endpoint';
import type { Settings } from '../../settings/settings';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { readRecentRecords } from '../../storage/event-log';
import type { SettingsRead } from '../../settings/settings';
import { t } from '../shared/i18n';
import { CAUSE_KEYS } from '../shared/message-keys';
import { lastResultByProxy } from '../../core/last-results';
import type { InspectorState } from './inspector-section';
import { mergeNewestWindow } from '../../core/merge-records';
import { OptionsPage } from './options-page';
import '../shared/styles.css';
import './options.css';

/** How many of the newest records a live update re-reads. */
const LIVE_WINDOW = 1000;
/**
 * The first read: the newest records show at once, the rest follow. Reading
 * 100,000 records from IndexedDB takes seconds (measured: ~2.2 s in Chromium
 * here), almost all of it IndexedDB's own structured-clone reads.
 */
const FIRST_WINDOW = 500;

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

async function readProxySettings(): Promise<ProxyConfigView | undefined> {
  if (!(await browser.permissions.contains({ permissions: ['proxy'] }))) return undefined;
  return readProxyConfig(await browser.proxy.settings.get({}));
}

async function describeBrowser(): Promise<string> {
  const info = (browser.runtime as { getBrowserInfo?: () => Promise<{ name: string; version: string }> }).getBrowserInfo;
  if (info) {
    const { name, version } = await info();
    return `${name} ${version}`;
  }
  const brand = /(Chrom(?:e|ium))\/([\d.]+)/.exec(navigator.userAgent);
  return brand ? `${brand[1]} ${brand[2]}` : navigator.userAgent;
}

function describeProxyMode(config: ProxyConfigView | undefined): string {
  if (!config) return 'unknown (the "proxy" permission was not given)';
  const servers = config.servers.map((s) => `${s.scheme} ${formatEndpoint(s)}`).join(', ');
  return [config.mode, servers, config.pacUrl ? `PAC ${config.pacUrl.slice(0, 120)}` : '', `controlled by ${config.controlledBy}`]
    .filter(Boolean)
    .join('; ');
}

function OptionsApp() {
  const [credentials, setCredentials] = useState<readonly CredentialSummary[]>([]);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [records, setRecords] = useState<readonly LogRecord[]>([]);
  const [settings, setSettings] = useState<SettingsRead>();
  const [inspector, setInspector] = useState<InspectorState>({ kind: 'idle' });
  const [report, setReport] = useState<{ text: string; copied: boolean }>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const [loadingMore, setLoadingMore] = useState(false);

  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  const loadCredentials = async () => {
    const list = await sendMessage('credentials:list', {});
    setCredentials(list.credentials);
    setProblems(list.problems);
  };

  const loadAllRecords = async (limit: number) => {
    await sendMessage('log:flush', {});
    const newest = await readRecentRecords(Math.min(FIRST_WINDOW, limit));
    setRecords(newest);
    if (newest.length < FIRST_WINDOW) return;
    setLoadingMore(true);
    try {
      setRecords(await readRecentRecords(limit));
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
    if (gap) await loadAllRecords(settings?.settings.logLimit ?? 200_000);
    setNow(Date.now());
  };

  useEffect(() => {
    void (async () => {
      try {
        const state = await sendMessage('settings:get', {});
        setSettings(state);
        await Promise.all([loadCredentials(), loadAllRecords(state.settings.logLimit)]);
      } catch (e) {
        fail(e);
      }
    })();
    return onChange((what) => {
      if (what === 'credentials') void loadCredentials().catch(fail);
      if (what === 'log') void refreshRecords().catch(fail);
    });
  }, []);

  const context: DiagnosisContext = useMemo(
    () => ({
      savedProxies: credentials.map((c) => c.proxy),
      strictProxies: findStrictProxies(records),
      refusedAnswers: findRefusedAnswers(records),
    }),
    [credentials, records],
  );
  const lastResults = useMemo(() => lastResultByProxy(records), [records]);

  const actions = {
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
            browser: await describeBrowser(),
            extensionVersion: browser.runtime.getManifest().version,
            proxyMode: describeProxyMode(config),
          },
          (cause) => t(CAUSE_KEYS[cause]),
        );
        const copied = await navigator.clipboard.writeText(text).then(
          () => true,
          () => false,
        );
        setReport({ text, copied });
      })().catch(fail);
    },
    onInspect: () => {
      // permissions.request must run in the click's user gesture: no await before it.
      void browser.permissions
        .request({ permissions: ['proxy'] })
        .then(async (granted) => {
          if (!granted) return setInspector({ kind: 'denied' });
          const config = await readProxySettings();
          setInspector(config ? { kind: 'read', config } : { kind: 'denied' });
        })
        .catch((e: unknown) => setInspector({ kind: 'error', message: e instanceof Error ? e.message : String(e) }));
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
        records,
        lastResults,
        context,
        ...(settings ? { settings } : {}),
        inspector,
        ...(report ? { report } : {}),
        now,
        loadingMore,
        ...(error ? { error } : {}),
      }}
      actions={actions}
    />
  );
}

document.title = t('optionsTitle');
render(<OptionsApp />, document.getElementById('app')!);
