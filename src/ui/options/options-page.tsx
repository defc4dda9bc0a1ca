import type { CredentialSummary } from '../../core/credential';
import type { UserMessage } from '../../core/message-key';
import type { CredentialErrors, CredentialInput } from '../../core/credential-input';
import type { DiagnosisContext } from '../../core/diagnose';
import type { LogRecord } from '../../core/log-record';
import type { LogHealth } from '../../storage/event-log';
import type { Settings } from '../../settings/settings';
import type { SettingsErrors, SettingsRead } from '../../settings/settings';
import { t } from '../shared/i18n';
import type { LastResult } from '../../core/last-results';
import { CredentialsSection } from './credentials-section';
import { DiagnosticsSection } from './diagnostics-section';
import { SignInTest } from '../shared/sign-in-test';
import { InspectorSection, type InspectorState } from './inspector-section';
import { SettingsSection } from './settings-section';
import type { StandingView } from '../../core/refusal-guard';
import { ProxyStandings } from '../shared/proxy-standings';
import type { BackgroundSeam } from '../shared/background-seam';

export interface OptionsData {
  readonly credentials: readonly CredentialSummary[];
  readonly problems: readonly UserMessage[];
  /** Proxies that refused passwords lately; locked ones are shown with Unlock. */
  readonly standings: readonly StandingView[];
  /** Newest first. */
  readonly records: readonly LogRecord[];
  readonly lastResults: ReadonlyMap<string, LastResult>;
  readonly context: DiagnosisContext;
  readonly settings?: SettingsRead;
  readonly inspector: InspectorState;
  /** The last report made, and whether the clipboard took it. */
  readonly report?: { readonly text: string; readonly copied: boolean };
  readonly now: number;
  /** Older records are still being read (the newest are shown already). */
  readonly loadingMore?: boolean;
  /** What the last flush said, when the log is not all well. */
  readonly logHealth?: LogHealth;
  readonly error?: string;
}

export interface OptionsActions {
  readonly onSaveCredential: (input: CredentialInput) => Promise<CredentialErrors | undefined>;
  readonly onDeleteCredential: (credential: CredentialSummary) => void;
  readonly onMoveCredential: (credential: CredentialSummary, direction: 'up' | 'down') => void;
  readonly onExport: (format: 'json' | 'csv', records: readonly LogRecord[]) => void;
  readonly onClearLog: () => void;
  readonly onCopyReport: () => void;
  readonly onInspect: () => void;
  readonly onUnlock: (proxy: string) => void;
  readonly onSaveSettings: (changes: Partial<Record<keyof Settings, unknown>>) => Promise<SettingsErrors | undefined>;
  /** For the passphrase part of the credentials section, which asks the background itself (passphrase-section.tsx). */
  readonly send?: BackgroundSeam['send'];
}

/** The options page: proxies and passwords, diagnostics, the browser's proxy settings, and settings. */
export function OptionsPage({ data, actions }: { data: OptionsData; actions: OptionsActions }) {
  return (
    <div class="options">
      <header>
        <h1>
          <img src="/icons/icon-48.png" alt="" width="24" height="24" /> {t('optionsTitle')}
        </h1>
        <nav aria-label={t('optionsTitle')}>
          <a href="#proxies">{t('navProxies')}</a>
          <a href="#diagnostics">{t('navDiagnostics')}</a>
          <a href="#inspector">{t('navInspector')}</a>
          <a href="#settings">{t('navSettings')}</a>
        </nav>
      </header>
      {data.error && (
        <p class="error" role="alert">
          {t('optionsLoadError', data.error)}
        </p>
      )}
      <ProxyStandings standings={data.standings} now={data.now} onUnlock={actions.onUnlock} />
      <CredentialsSection
        credentials={data.credentials}
        problems={data.problems}
        lastResults={data.lastResults}
        now={data.now}
        onSave={actions.onSaveCredential}
        onDelete={actions.onDeleteCredential}
        onMove={actions.onMoveCredential}
        {...(actions.send ? { send: actions.send } : {})}
      />
      {actions.send && <SignInTest send={actions.send} />}
      <DiagnosticsSection
        records={data.records}
        context={data.context}
        now={data.now}
        loadingMore={data.loadingMore === true}
        logHealth={data.logHealth}
        {...(data.report ? { report: data.report } : {})}
        onExport={actions.onExport}
        onClear={actions.onClearLog}
        onCopyReport={actions.onCopyReport}
      />
      <InspectorSection
        state={data.inspector}
        challengers={[...new Set(data.records.map((r) => r.proxy))].filter(Boolean)}
        onInspect={actions.onInspect}
      />
      <SettingsSection {...(data.settings ? { state: data.settings } : {})} onSave={actions.onSaveSettings} />
    </div>
  );
}
