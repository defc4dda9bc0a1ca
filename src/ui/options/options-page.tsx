import type { CredentialSummary } from '../../core/credential';
import type { LogRecord } from '../../core/log-record';
import { t } from '../shared/i18n';
import { CredentialList } from './credential-list';
import { LogTable } from './log-table';

export interface OptionsData {
  readonly credentials: readonly CredentialSummary[];
  readonly problems: readonly string[];
  readonly records: readonly LogRecord[];
  readonly error?: string;
}

export interface OptionsActions {
  onDeleteCredential(credential: CredentialSummary): void;
}

export function OptionsPage({ data, actions }: { data: OptionsData; actions: OptionsActions }) {
  return (
    <div class="options">
      <h1>{t('optionsTitle')}</h1>
      {data.error && <p class="error" role="alert">{t('optionsLoadError', data.error)}</p>}
      <section>
        <h2>{t('optionsCredentials')}</h2>
        {data.problems.length > 0 && (
          <div class="error" role="alert" data-testid="problems">
            {t('optionsProblems')}
            <ul>
              {data.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        <CredentialList credentials={data.credentials} onDelete={actions.onDeleteCredential} />
        <p class="muted">{t('optionsIncognito')}</p>
      </section>
      <section>
        <h2>{t('optionsLog')}</h2>
        <LogTable records={data.records} />
      </section>
    </div>
  );
}
