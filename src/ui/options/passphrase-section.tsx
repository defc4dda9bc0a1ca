import { useEffect, useState } from 'preact/hooks';
import type { PassphraseStatus } from '../../storage/passphrase';
import { PassphraseUnlock } from '../prompt/passphrase-unlock';
import type { BackgroundSeam } from '../shared/background-seam';
import { describeError, t } from '../shared/i18n';
import { TextField } from '../shared/text-field';

/**
 * The optional passphrase on the options page: set one, change it, remove
 * it, or unlock after a restart. The fields start empty and are emptied
 * after each answer: a passphrase is never shown back.
 */
export function PassphraseSection({ send }: { send: BackgroundSeam['send'] }) {
  const [status, setStatus] = useState<PassphraseStatus>();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const refresh = () => send('vault:status', {}).then(setStatus, () => undefined);
  useEffect(() => void refresh(), []);
  if (!status) return null;

  const run = async (task: () => Promise<PassphraseStatus>) => {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      setStatus(await task());
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const save = (event: Event) => {
    event.preventDefault();
    if (next !== repeat) {
      setError(t('passphraseMismatch'));
      return;
    }
    void run(() => send('vault:setPassphrase', { current, next }));
  };

  return (
    <div class="passphrase" data-testid="passphrase">
      <h3>{t('passphraseHeading')}</h3>
      <p class="muted small">{t('passphraseIntro')}</p>
      <p data-testid="passphrase-status">{status.passphrase ? t('passphraseStatusOn') : t('passphraseStatusOff')}</p>
      {status.locked && <PassphraseUnlock send={send} onUnlocked={() => void refresh()} />}
      <form onSubmit={save} data-testid="passphrase-form">
        {status.passphrase && (
          <TextField
            id="passphrase-current"
            label={t('passphraseCurrent')}
            name="current"
            type="password"
            autocomplete="current-password"
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        )}
        <TextField
          id="passphrase-new"
          label={t('passphraseNew')}
          name="next"
          type="password"
          autocomplete="new-password"
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <TextField
          id="passphrase-repeat"
          label={t('passphraseRepeat')}
          name="repeat"
          type="password"
          autocomplete="new-password"
          value={repeat}
          onInput={(e) => setRepeat(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert" data-testid="passphrase-error">
            {error}
          </p>
        )}
        {done && (
          <p class="note" role="status" data-testid="passphrase-done">
            {t('passphraseDone')}
          </p>
        )}
        <div class="actions">
          {status.passphrase && (
            <button
              type="button"
              disabled={busy || current === ''}
              onClick={() => void run(() => send('vault:removePassphrase', { current }))}
            >
              {t('passphraseRemove')}
            </button>
          )}
          <button type="submit" class="primary" disabled={busy || next === ''}>
            {t('passphraseSet')}
          </button>
        </div>
      </form>
    </div>
  );
}
