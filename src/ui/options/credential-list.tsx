import type { CredentialSummary } from '../../core/credential';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { t } from '../shared/i18n';

export function CredentialList({ credentials, onDelete }: { credentials: readonly CredentialSummary[]; onDelete: (c: CredentialSummary) => void }) {
  if (credentials.length === 0) return <p class="muted">{t('optionsNoCredentials')}</p>;
  return (
    <table data-testid="credentials">
      <thead>
        <tr>
          <th>{t('optionsProxy')}</th>
          <th>{t('optionsUser')}</th>
          <th>{t('optionsScope')}</th>
          <th>{t('optionsStatus')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {credentials.map((c) => (
          <tr key={c.id} data-credential-id={c.id}>
            <td>
              <code>{formatEndpoint(c.proxy)}</code>
              <div class="muted">{c.realm ? `${t('promptRealm')}: ${c.realm}` : t('optionsAnyRealm')}</div>
            </td>
            <td>{c.username}</td>
            <td>{t(c.scope === 'device' ? 'scope_device' : c.scope === 'session' ? 'scope_session' : 'scope_once')}</td>
            <td>
              {c.rejected ? (
                <span class="badge bad">{t('optionsStatusRejected')}</span>
              ) : (
                <span class="badge good">{t('optionsStatusOk')}</span>
              )}
            </td>
            <td>
              <button type="button" onClick={() => onDelete(c)}>
                {t('optionsDelete')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
