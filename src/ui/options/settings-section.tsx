import { useState } from 'preact/hooks';
import { SETTING_LIMITS, type Settings } from '../../settings/settings';
import type { SettingsErrors, SettingsRead } from '../../settings/settings';
import { t, type MessageKey } from '../shared/i18n';

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
      {limits ? t('settingsError_range', String(limits.min), String(limits.max)) : t('settingsError_choice')}
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
            />
            <ErrorLine errors={errors} field={key} />
          </div>
        ))}
        {CHOICE_FIELDS.map(({ setting: key, label, choices }) => (
          <div key={key}>
            <label for={`setting-${key}`}>{t(label)}</label>
            <select id={`setting-${key}`} name={key} value={value(key)} onChange={(e) => set(key, e.currentTarget.value)}>
              {Object.entries(choices).map(([choice, choiceLabel]) => (
                <option key={choice} value={choice}>
                  {t(choiceLabel)}
                </option>
              ))}
            </select>
          </div>
        ))}
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
