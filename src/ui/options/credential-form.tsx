import { useState } from 'preact/hooks';
import type { CredentialSummary } from '../../core/credential';
import type { CredentialErrors, CredentialField, CredentialInput } from '../../core/credential-input';
import { t } from '../shared/i18n';
import { TextField } from '../shared/text-field';
import { CREDENTIAL_ERROR_KEYS } from '../shared/message-keys';

export interface CredentialFormProps {
  /** The credential being edited, or undefined to add one. */
  readonly editing?: CredentialSummary;
  /** The entry being edited cannot be used (vault problem): its password must be typed again, none is kept. */
  readonly reenter?: boolean;
  readonly onSave: (input: CredentialInput) => Promise<CredentialErrors | undefined>;
  readonly onDone: () => void;
}

function FieldError({ errors, field }: { errors: CredentialErrors; field: CredentialField }) {
  const code = errors[field];
  if (!code) return null;
  return (
    <p class="field-error" role="alert" id={`cred-${field}-error`} data-testid={`error-${field}`}>
      {t(CREDENTIAL_ERROR_KEYS[code])}
    </p>
  );
}

/** Add or edit a saved proxy password. A stored password is never shown back: the field starts empty. */
export function CredentialForm({ editing, reenter = false, onSave, onDone }: CredentialFormProps) {
  const [host, setHost] = useState(editing?.proxy.host ?? '');
  const [port, setPort] = useState(editing ? String(editing.proxy.port) : '');
  const [realm, setRealm] = useState(editing?.realm ?? '');
  const [username, setUsername] = useState(editing?.username ?? '');
  const [password, setPassword] = useState('');
  const [scope, setScope] = useState<'device' | 'session'>(editing?.scope === 'session' ? 'session' : 'device');
  const [errors, setErrors] = useState<CredentialErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const portNumber = port.trim() === '' ? NaN : Number(port);
    const input: CredentialInput = {
      ...(editing ? { id: editing.id } : {}),
      host,
      port: portNumber,
      realm,
      username,
      password,
      scope,
    };
    const result = await onSave(input);
    setBusy(false);
    if (result && Object.keys(result).length > 0) setErrors(result);
    else onDone();
  };

  const invalid = (field: CredentialField) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `cred-${field}-error` } : {});

  return (
    <form class="credential-form" onSubmit={(e) => void submit(e)} data-testid="credential-form">
      <h3>{editing ? t('credEdit') : t('credAdd')}</h3>
      <div class="grid">
        <div>
          <TextField
            id="cred-host"
            label={t('credHost')}
            name="host"
            type="text"
            value={host}
            onInput={(e) => setHost(e.currentTarget.value)}
            {...invalid('host')}
          />
          <FieldError errors={errors} field="host" />
        </div>
        <div>
          <TextField
            id="cred-port"
            label={t('credPort')}
            name="port"
            type="text"
            inputMode="numeric"
            value={port}
            onInput={(e) => setPort(e.currentTarget.value)}
            {...invalid('port')}
          />
          <FieldError errors={errors} field="port" />
        </div>
        <div>
          <TextField
            id="cred-realm"
            label={t('credRealm')}
            name="realm"
            type="text"
            value={realm}
            onInput={(e) => setRealm(e.currentTarget.value)}
          />
          <p class="muted small">{t('credRealmHint')}</p>
        </div>
        <div>
          <TextField
            id="cred-user"
            label={t('credUser')}
            name="username"
            type="text"
            autocomplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            {...invalid('username')}
          />
          <FieldError errors={errors} field="username" />
        </div>
        <div>
          <TextField
            id="cred-password"
            label={t('credPassword')}
            name="password"
            type="password"
            autocomplete={editing && !reenter ? 'current-password' : 'new-password'}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            {...invalid('password')}
          />
          {editing && !reenter && <p class="muted small">{t('credPasswordKeep')}</p>}
          <FieldError errors={errors} field="password" />
        </div>
        <div>
          <label for="cred-scope">{t('credScope')}</label>
          <select
            id="cred-scope"
            name="scope"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value === 'session' ? 'session' : 'device')}
          >
            <option value="device">{t('scopeDevice')}</option>
            <option value="session">{t('scopeSession')}</option>
          </select>
        </div>
      </div>
      <div class="actions">
        <button type="button" onClick={onDone} disabled={busy}>
          {t('credCancelEdit')}
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {t('credSave')}
        </button>
      </div>
    </form>
  );
}
