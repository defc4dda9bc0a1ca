import { useEffect, useState } from 'preact/hooks';
import type { PassphraseStatus } from '../../storage/passphrase';
import type { BackgroundSeam } from '../shared/background-seam';
import { describeError, t } from '../shared/i18n';
import { TextField } from '../shared/text-field';

export interface PassphraseUnlockProps {
  readonly send: BackgroundSeam['send'];
  /** Called once the passphrase opened the saved passwords. */
  readonly onUnlocked?: () => void;
}

/**
 * "Your saved passwords are locked": a passphrase field and Unlock, shown
 * only while a passphrase is set and not yet entered since the background
 * started. The passphrase goes to the background once and is never kept.
 */
export function PassphraseUnlock({ send, onUnlocked }: PassphraseUnlockProps) {
  const [status, setStatus] = useState<PassphraseStatus>();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    send('vault:status', {}).then(setStatus, () => undefined);
  }, []);

  if (!status?.locked) return null;
  const unlock = async (event: Event) => {
    event.preventDefault();
    event.stopPropagation();
    if (passphrase === '') return;
    setBusy(true);
    setError(undefined);
    try {
      await send('vault:unlock', { passphrase });
      setPassphrase('');
      setStatus({ passphrase: true, locked: false });
      onUnlocked?.();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="unlock" data-testid="unlock" onSubmit={(e) => void unlock(e)}>
      <p class="note">{t('unlockIntro')}</p>
      <TextField
        id="unlock-passphrase"
        label={t('unlockLabel')}
        name="passphrase"
        type="password"
        autocomplete="current-password"
        value={passphrase}
        onInput={(e) => setPassphrase(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert" data-testid="unlock-error">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || passphrase === ''}>
        {t('unlockButton')}
      </button>
    </form>
  );
}
