import type { CredentialSummary, Scope } from '../../core/credential';
import type { RecentCounts } from '../../core/log-summary';
import type { PromptView } from '../../core/prompt-board';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { formatAgo } from '../shared/format';
import { t } from '../shared/i18n';
import { OUTCOME_KEYS } from '../shared/message-keys';
import type { LastResult } from '../../core/last-results';
import { PromptForm } from '../prompt/prompt-form';
import type { StandingView } from '../../core/refusal-guard';
import { ProxyStandings } from '../shared/proxy-standings';
import { PassphraseUnlock } from '../prompt/passphrase-unlock';
import type { BackgroundSeam } from '../shared/background-seam';
import { SignInTest } from '../shared/sign-in-test';

export interface PopupData {
  readonly prompts: readonly PromptView[];
  readonly credentials: readonly CredentialSummary[];
  /** Proxies that refused passwords lately; locked ones are shown with Unlock. */
  readonly standings: readonly StandingView[];
  readonly lastResults: ReadonlyMap<string, LastResult>;
  readonly counts: RecentCounts;
  readonly defaultScope: Scope;
  readonly now: number;
  readonly busyPromptId?: string;
  readonly errors: Readonly<Record<string, string>>;
  readonly loadError?: string;
}

export interface PopupActions {
  readonly onSignIn: (prompt: PromptView, entry: { username: string; password: string; scope: Scope }) => void;
  readonly onCancel: (prompt: PromptView) => void;
  readonly onOpenDiagnostics: () => void;
  readonly onUnlock: (proxy: string) => void;
  /** For the passphrase unlock offer, which asks the background itself (prompt/passphrase-unlock.tsx). */
  readonly send?: BackgroundSeam['send'];
}

function SavedProxies({ data }: { data: PopupData }) {
  if (data.credentials.length === 0) return <p class="muted">{t('optionsNoCredentials')}</p>;
  return (
    <ul class="saved" data-testid="saved-proxies">
      {data.credentials.map((c) => {
        const label = formatEndpoint(c.proxy);
        const last = data.lastResults.get(label);
        return (
          <li key={c.id}>
            <div>
              <code>{label}</code> <span class="muted">{c.username}</span>
            </div>
            <div class={c.rejected ? 'bad' : 'muted'}>
              {c.rejected
                ? t('optionsStatusRejected')
                : last
                  ? `${t(OUTCOME_KEYS[last.outcome])} · ${formatAgo(last.time, data.now)}`
                  : t('popupNoResultYet')}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** The toolbar popup: what waits now, saved proxies, the last day in numbers. Renders from props only. */
export function PopupPage({ data, actions }: { data: PopupData; actions: PopupActions }) {
  const { counts } = data;
  return (
    <div class="popup">
      <h1 class="popup-title">
        <img src="/icons/icon-32.png" alt="" width="18" height="18" /> {t('extName')}
      </h1>
      {data.loadError && (
        <p class="error" role="alert">
          {t('optionsLoadError', data.loadError)}
        </p>
      )}
      {actions.send && <PassphraseUnlock send={actions.send} />}
      {data.prompts.length > 0 && (
        <section data-testid="waiting-prompts">
          {data.prompts.map((prompt) => (
            <div class="waiting-prompt" key={prompt.id} data-prompt-id={prompt.id}>
              <PromptForm
                data={{
                  proxy: prompt.proxy,
                  realm: prompt.realm,
                  scheme: prompt.scheme,
                  view: prompt,
                  defaultScope: data.defaultScope,
                  busy: data.busyPromptId === prompt.id,
                  ...(data.errors[prompt.id] ? { error: data.errors[prompt.id] } : {}),
                }}
                actions={{ onSubmit: (entry) => actions.onSignIn(prompt, entry), onCancel: () => actions.onCancel(prompt) }}
              />
            </div>
          ))}
        </section>
      )}
      <ProxyStandings standings={data.standings} now={data.now} onUnlock={actions.onUnlock} />
      {data.prompts.length === 0 && (
        <p class="muted" data-testid="nothing-waiting">
          {t('popupNothingWaiting')}
        </p>
      )}
      <h2>{t('optionsCredentials')}</h2>
      <SavedProxies data={data} />
      <h2>{t('popupLastDay')}</h2>
      <dl class="counts" data-testid="counts">
        <dt>{t('summaryChallenges')}</dt>
        <dd>{counts.challenges}</dd>
        <dt>{t('summaryAnsweredSilently')}</dt>
        <dd>{counts.answeredSilently}</dd>
        <dt>{t('summaryPrompts')}</dt>
        <dd>{counts.prompts}</dd>
        <dt>{t('popupFailures')}</dt>
        <dd>{counts.failures}</dd>
      </dl>
      {actions.send && <SignInTest send={actions.send} />}
      <p>
        <button type="button" class="link" onClick={actions.onOpenDiagnostics}>
          {t('popupOpenDiagnostics')}
        </button>
      </p>
    </div>
  );
}
