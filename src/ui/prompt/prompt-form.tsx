import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { SCOPES, type Scope } from '../../core/credential';
import type { PromptView } from '../../core/prompt-board';
import { formatEndpoint, type ProxyEndpoint } from '../../core/proxy-endpoint';
import { t } from '../shared/i18n';
import { TextField } from '../shared/text-field';
import { PROMPT_NOTICE_KEYS, SCOPE_CHOICE_KEYS } from '../shared/message-keys';

export interface PromptFormData {
  /** The proxy, realm and scheme from the page's address: known even if the background forgot the prompt. */
  readonly proxy: ProxyEndpoint;
  readonly realm: string;
  readonly scheme: string;
  /** What the background says now; null once the prompt has ended (answered, timed out, or the background restarted). */
  readonly view: PromptView | null | 'loading';
  readonly defaultScope: Scope;
  readonly busy: boolean;
  readonly error?: string;
  /** Shown after a submit the background could no longer deliver. */
  readonly notice?: string;
  /** Why a password saved for this proxy is not used (a vault problem), as a sentence. */
  readonly unusable?: string;
  /** The last sign-in failed while saving: offer "just this once" with what was typed. */
  readonly saveFailed?: boolean;
  /**
   * What the form's ids start with: the prompt window's dialog names 'prompt-heading' and the
   * lines under it; elsewhere (several forms in the popup) each form gets ids of its own.
   */
  readonly idPrefix?: string;
}

export interface PromptFormActions {
  readonly onSubmit: (entry: { username: string; password: string; scope: Scope }) => void;
  readonly onCancel: () => void;
}

function describeWaiting(view: PromptView): string {
  const sites = view.sites.join(', ');
  if (view.waitingCount === 0) return t('promptWaitingNone');
  return view.waitingCount === 1 ? t('promptWaitingOne', sites) : t('promptWaiting', String(view.waitingCount), sites);
}

/** The sign-in form. Renders from props only; the page's main.tsx talks to the background. */
export function PromptForm({ data, actions }: { data: PromptFormData; actions: PromptFormActions }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [scope, setScope] = useState<Scope>(data.defaultScope);
  const [missing, setMissing] = useState(false);
  const view = data.view === 'loading' ? undefined : data.view;
  const refusedUser = view?.rejectedUsername;
  const form = useRef<HTMLFormElement>(null);
  const generatedId = useId();
  const idOf = (name: string) => `${data.idPrefix ?? generatedId}-${name}`;
  // The refused account's user name is filled in (never its password), unless the user typed already;
  // then the password is what the user has to type, so it gets the focus.
  const typed = useRef('');
  useEffect(() => {
    if (!refusedUser || typed.current !== '') return;
    setUsername(refusedUser);
    form.current?.querySelector<HTMLInputElement>('input[name=password]')?.focus();
  }, [refusedUser]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (username.trim() === '') {
      setMissing(true);
      return;
    }
    actions.onSubmit({ username: username.trim(), password, scope });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') actions.onCancel();
  };

  return (
    <form ref={form} class="prompt" onSubmit={submit} onKeyDown={onKeyDown}>
      <h1 id={idOf('heading')}>{t('promptHeading', formatEndpoint(data.proxy))}</h1>
      <dl id={idOf('context')} class="facts">
        {data.realm && (
          <>
            <dt>{t('promptRealm')}</dt>
            <dd data-testid="realm">{data.realm}</dd>
          </>
        )}
        <dt>{t('promptScheme')}</dt>
        <dd data-testid="scheme">{data.scheme}</dd>
      </dl>
      {data.view === 'loading' && <p class="muted">{t('promptLoading')}</p>}
      {view && (
        <p class="muted" data-testid="waiting">
          {describeWaiting(view)}
        </p>
      )}
      {data.view === null && !data.notice && (
        <p class="note" data-testid="ended">
          {t('promptEnded')}
        </p>
      )}
      {view?.rejected && (
        <p id={idOf('rejected')} class="error" role="alert" data-testid="rejected">
          {t('promptRejected', view.rejectedUsername ? t('promptRejectedUser', view.rejectedUsername) : '')}
        </p>
      )}
      {view?.failedLogins !== undefined && view.failedLogins > 0 && (
        <p id={idOf('failed-logins')} class="error" role="alert" data-testid="failed-logins">
          {view.failedLogins === 1 ? t('promptFailedLoginsOne') : t('promptFailedLogins', String(view.failedLogins))}
        </p>
      )}
      {view?.notice && (
        <p class="note" role="alert" data-testid={`prompt-notice-${view.notice}`}>
          {t(PROMPT_NOTICE_KEYS[view.notice])}
        </p>
      )}
      {data.unusable && (
        <p class="note" role="status" data-testid="unusable">
          {t('promptUnusable', data.unusable)}
        </p>
      )}
      {data.error && (
        <p class="error" role="alert" data-testid="error">
          {t('promptError', data.error)}
        </p>
      )}
      {data.saveFailed && (
        <button
          type="button"
          data-testid="sign-in-once"
          disabled={data.busy || username.trim() === ''}
          onClick={() => actions.onSubmit({ username: username.trim(), password, scope: 'once' })}
        >
          {t('promptSignInOnce')}
        </button>
      )}
      {data.notice && (
        <p class="note" role="status" data-testid="notice">
          {data.notice}
        </p>
      )}
      <TextField
        id={idOf('username')}
        label={t('promptUsername')}
        name="username"
        type="text"
        autocomplete="username"
        autofocus
        required
        value={username}
        aria-invalid={missing}
        onInput={(e) => {
          typed.current = e.currentTarget.value;
          setUsername(e.currentTarget.value);
          setMissing(false);
        }}
      />
      {missing && (
        <p class="error" role="alert">
          {t('promptUsernameMissing')}
        </p>
      )}
      <TextField
        id={idOf('password')}
        label={t('promptPassword')}
        name="password"
        type="password"
        autocomplete="current-password"
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <fieldset>
        <legend>{t('promptRemember')}</legend>
        {SCOPES.map((s) => (
          <label key={s}>
            <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} />
            {t(SCOPE_CHOICE_KEYS[s])}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="button" onClick={actions.onCancel} disabled={data.busy}>
          {t('promptCancel')}
        </button>
        <button type="submit" class="primary" disabled={data.busy}>
          {t('promptSignIn')}
        </button>
      </div>
      <p class="muted hint">{t('promptKeys')}</p>
    </form>
  );
}
