import type { StandingView } from '../../core/refusal-guard';
import { formatAgo } from './format';
import { t } from './i18n';

export interface ProxyStandingsProps {
  readonly standings: readonly StandingView[];
  readonly now: number;
  readonly onUnlock: (proxy: string) => void;
}

/**
 * Proxies that are locked after repeated refused passwords (Proxy Keyring
 * neither answers nor asks for them), with why, since when and the Unlock
 * button. Shown in the toolbar popup and on the options page. Renders from
 * props only.
 */
export function ProxyStandings({ standings, now, onUnlock }: ProxyStandingsProps) {
  const locked = standings.filter((s) => s.lockedAt !== undefined);
  if (locked.length === 0) return null;
  return (
    <section class="locked-proxies" data-testid="locked-proxies" aria-labelledby="locked-heading">
      <h2 id="locked-heading">{t('lockedHeading')}</h2>
      <ul>
        {locked.map((s) => (
          <li key={s.proxy} data-proxy={s.proxy}>
            <p class="bad">
              <code>{s.proxy}</code> {t('lockedWhy', String(s.failedLogins), formatAgo(s.lockedAt ?? now, now))}
            </p>
            <p class="muted">{t('lockedAdvice')}</p>
            <button type="button" onClick={() => onUnlock(s.proxy)} data-testid="unlock">
              {t('lockedUnlock')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
