import { useState } from 'preact/hooks';
import { SETTING_LIMITS, type Settings } from '../../settings/settings';
import type { SettingsErrors, SettingsRead } from '../../settings/settings';
import { t, type MessageKey } from '../shared/i18n';
import { formatEndpoint } from '../../core/proxy-endpoint';
import type { PolicyView } from '../../settings/policy';
import { POLICY_PROBLEM_KEYS } from '../shared/message-keys';

export interface SettingsSectionProps {
  readonly state?: SettingsRead;
  readonly onSave: (changes: Partial<Record<keyof Settings, unknown>>) => Promise<SettingsErrors | undefined>;
}

function ErrorLine({ errors, field }: { errors: SettingsErrors; field: keyof Settings }) {
  const code = errors[field];
  if (!code) return null;
  const limits = field in SETTING_LIMITS ? SETTING_LIMITS[field as keyof typeof SETTING_LIMITS] : undefined;
  return (
    <p class="field-error" role="alert" data-testid={`settings-error-${field}`}>
      {code === 'locked'
        ? t('settingsError_locked')
        : limits
          ? t('settingsError_range', String(limits.min), String(limits.max))
          : t('settingsError_choice')}
    </p>
  );
}

const NUMBER_FIELDS: readonly [keyof typeof SETTING_LIMITS, MessageKey][] = [
  ['promptTimeoutSec', 'settingsPromptTimeout'],
  ['attemptCap', 'settingsAttemptCap'],
  ['logLimit', 'settingsLogLimit'],
  ['lockAfterRefusals', 'settingsLockAfter'],
  ['lockWindowMin', 'settingsLockWindow'],
];

/** The settings chosen from a list: the setting, its label, and each choice's label (in the order shown). */
const CHOICE_FIELDS: readonly { setting: keyof Settings; label: MessageKey; choices: Record<string, MessageKey> }[] = [
  { setting: 'onCancel', label: 'settingsOnCancel', choices: { cancel: 'settingsOnCancelCancel', browser: 'settingsOnCancelBrowser' } },
  { setting: 'afterRefusal', label: 'settingsAfterRefusal', choices: { ask: 'settingsAfterRefusalAsk', next: 'settingsAfterRefusalNext' } },
  { setting: 'urlDetail', label: 'settingsUrlDetail', choices: { path: 'settingsUrlPath', origin: 'settingsUrlOrigin' } },
  {
    setting: 'defaultScope',
    label: 'settingsDefaultScope',
    choices: { device: 'scopeDevice', session: 'scopeSession', once: 'scopeOnce' },
  },
];

/** Under a control: the administrator locked it, or only recommends its value. */
function PolicyNote({ state, field }: { state: SettingsRead; field: keyof Settings }) {
  if (state.policy?.locked.includes(field)) {
    return (
      <p class="muted small" id={`setting-${field}-policy`} data-testid={`settings-locked-${field}`}>
        {t('settingsLocked')}
      </p>
    );
  }
  if (state.sources[field] !== 'policy') return null;
  return (
    <p class="muted small" id={`setting-${field}-policy`} data-testid={`settings-recommended-${field}`}>
      {t('settingsRecommended')}
    </p>
  );
}

/** What the administrator's policy configured that is not a setting: its problems and its accounts (never a password). */
function PolicySummary({ policy }: { policy: PolicyView }) {
  return (
    <>
      {policy.problems.length > 0 && (
        <div class="error" role="alert" data-testid="policy-problems">
          {t('policyProblemsTitle')}
          <ul>
            {policy.problems.map((p) => (
              <li key={`${p.path} ${p.code}`} data-policy-path={p.path}>
                {t(POLICY_PROBLEM_KEYS[p.code], p.path || t('policyWhole'))}
              </li>
            ))}
          </ul>
        </div>
      )}
      {policy.credentials.length > 0 && (
        <div data-testid="policy-accounts">
          <h3>{t('policyAccountsTitle')}</h3>
          <ul>
            {policy.credentials.map((c) => (
              <li key={c.id} data-policy-credential-id={c.id}>
                <code>{formatEndpoint(c.proxy)}</code> {c.username}
                {c.realm ? ` (${t('promptRealm')}: ${c.realm})` : ''}
                {' · '}
                {c.hasPassword ? t('policyAccountWithPassword') : t('policyAccountNoPassword')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** The settings form: every value validated in the background; a refused value says why and nothing is saved. */
export function SettingsSection({ state, onSave }: SettingsSectionProps) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [saved, setSaved] = useState(false);
  if (!state) return null;
  const value = (key: keyof Settings) => draft[key] ?? String(state.settings[key]);
  const set = (key: keyof Settings, v: string) => {
    setDraft({ ...draft, [key]: v });
    setSaved(false);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const changes: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(draft)) {
      changes[key] = key in SETTING_LIMITS ? (text.trim() === '' ? NaN : Number(text)) : text;
    }
    const result = await onSave(changes);
    setErrors(result ?? {});
    if (!result) {
      setDraft({});
      setSaved(true);
    }
  };

  return (
    <section id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('navSettings')}</h2>
      {state.invalid.length > 0 && <p class="error">{t('settingsInvalidStored', state.invalid.join(', '))}</p>}
      {state.newerVersion !== undefined && (
        <p class="error" role="alert" data-testid="settings-newer">
          {t('settingsNewerVersion', String(state.newerVersion))}
        </p>
      )}
      {state.policy && <PolicySummary policy={state.policy} />}
      <form class="settings-form" onSubmit={(e) => void submit(e)} data-testid="settings-form">
        {NUMBER_FIELDS.map(([key, label]) => (
          <div key={key}>
            <label for={`setting-${key}`}>
              {t(label)}
              {state.sources[key] === 'default' && <span class="muted small"> ({t('settingsFromDefault')})</span>}
            </label>
            <input
              id={`setting-${key}`}
              name={key}
              type="text"
              inputMode="numeric"
              value={value(key)}
              onInput={(e) => set(key, e.currentTarget.value)}
              aria-invalid={errors[key] !== undefined}
              disabled={state.policy?.locked.includes(key)}
              {...(state.sources[key] === 'policy' ? { 'aria-describedby': `setting-${key}-policy` } : {})}
            />
            <PolicyNote state={state} field={key} />
            <ErrorLine errors={errors} field={key} />
          </div>
        ))}
        {CHOICE_FIELDS.map(({ setting: key, label, choices }) => (
          <div key={key}>
            <label for={`setting-${key}`}>{t(label)}</label>
            <select
              id={`setting-${key}`}
              name={key}
              value={value(key)}
              onChange={(e) => set(key, e.currentTarget.value)}
              disabled={state.policy?.locked.includes(key)}
              {...(state.sources[key] === 'policy' ? { 'aria-describedby': `setting-${key}-policy` } : {})}
            >
              {Object.entries(choices).map(([choice, choiceLabel]) => (
                <option key={choice} value={choice}>
                  {t(choiceLabel)}
                </option>
              ))}
            </select>
            <PolicyNote state={state} field={key} />
          </div>
        ))}
        <div>
          <label for="setting-testUrl">{t('settingsTestUrl')}</label>
          <input
            id="setting-testUrl"
            name="testUrl"
            type="text"
            inputMode="url"
            value={value('testUrl')}
            onInput={(e) => set('testUrl', e.currentTarget.value)}
            aria-invalid={errors.testUrl !== undefined}
          />
          {errors.testUrl && (
            <p class="field-error" role="alert" data-testid="settings-error-testUrl">
              {t('settingsError_url')}
            </p>
          )}
        </div>
        <div class="actions">
          {saved && (
            <span class="ok-text" role="status">
              {t('settingsSaved')}
            </span>
          )}
          {/* A newer version's settings are never overwritten (settings-store.ts): nothing here could be saved. */}
          <button type="submit" class="primary" disabled={state.newerVersion !== undefined}>
            {t('settingsSave')}
          </button>
        </div>
      </form>
    </section>
  );
}
