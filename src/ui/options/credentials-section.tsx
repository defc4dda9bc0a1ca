import { useState } from 'preact/hooks';
import type { CredentialSummary } from '../../core/credential';
import type { CredentialProblem } from '../../messaging/protocol';
import { messageArgs } from '../../core/user-error';
import type { CredentialErrors, CredentialInput } from '../../core/credential-input';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { isPolicyCredentialId } from '../../settings/policy';
import { formatAgo } from '../shared/format';
import { t } from '../shared/i18n';
import { OUTCOME_KEYS, SCOPE_SHORT_KEYS } from '../shared/message-keys';
import type { LastResult } from '../../core/last-results';
import type { BackgroundSeam } from '../shared/background-seam';
import { CredentialForm } from './credential-form';
import { PassphraseSection } from './passphrase-section';

export interface CredentialsSectionProps {
  readonly credentials: readonly CredentialSummary[];
  /** Each with its entry's id and what it was for when known (protocol.ts `CredentialProblem`). */
  readonly problems: readonly CredentialProblem[];
  readonly lastResults: ReadonlyMap<string, LastResult>;
  readonly now: number;
  readonly onSave: (input: CredentialInput) => Promise<CredentialErrors | undefined>;
  readonly onDelete: (credential: CredentialSummary) => void;
  readonly onMove: (credential: CredentialSummary, direction: 'up' | 'down') => void;
  /** How the passphrase part talks to the background; without it the part is not shown. */
  readonly send?: BackgroundSeam['send'];
}

/** An unusable entry as the credential it was, for the form and the delete confirmation (no password: it has none to show). */
function summaryOf(problem: CredentialProblem & { entryId: string }): CredentialSummary {
  const entry = problem.entry;
  return {
    id: problem.entryId,
    proxy: entry?.proxy ?? { host: '?', port: 0 },
    ...(entry?.realm ? { realm: entry.realm } : {}),
    username: entry?.username ?? '?',
    scope: problem.scope ?? 'device',
    rejected: false,
    order: 0,
    updatedAt: 0,
  };
}

function hasEntryId(problem: CredentialProblem): problem is CredentialProblem & { entryId: string } {
  return problem.entryId !== undefined;
}

/** One unusable entry (or store): what it was for, why, and what the user can do about it. */
function ProblemItem({
  problem,
  onReenter,
  onDelete,
}: {
  problem: CredentialProblem;
  onReenter: (summary: CredentialSummary) => void;
  onDelete: (summary: CredentialSummary) => void;
}) {
  const entry = problem.entry;
  return (
    <li data-problem-entry-id={problem.entryId} data-problem-key={problem.key}>
      {entry && (
        <>
          <code>{formatEndpoint(entry.proxy)}</code> {entry.username}
          {entry.realm ? ` (${t('promptRealm')}: ${entry.realm})` : ''}:{' '}
        </>
      )}
      {t(...messageArgs(problem))}
      {hasEntryId(problem) && (
        <span class="row-actions">
          {entry && (
            <button type="button" onClick={() => onReenter(summaryOf(problem))}>
              {t('optionsProblemReenter')}
            </button>
          )}
          <button type="button" onClick={() => onDelete(summaryOf(problem))}>
            {t('optionsProblemDelete')}
          </button>
        </span>
      )}
    </li>
  );
}

/** Saved proxy passwords, grouped in answer order per proxy, with add/edit/delete/reorder. */
export function CredentialsSection(props: CredentialsSectionProps) {
  const [editing, setEditing] = useState<CredentialSummary | 'new' | undefined>();
  // Re-entering an unusable entry: the form must ask for its password (there is none to keep).
  const [reentering, setReentering] = useState(false);
  const { credentials } = props;
  const sameProxy = (a: CredentialSummary, b: CredentialSummary) => formatEndpoint(a.proxy) === formatEndpoint(b.proxy);

  return (
    <section id="proxies" aria-labelledby="proxies-title">
      <h2 id="proxies-title">{t('navProxies')}</h2>
      {props.problems.length > 0 && (
        <div class="error" role="alert" data-testid="problems">
          {t('optionsProblems')}
          <ul>
            {props.problems.map((p, i) => (
              <ProblemItem
                key={p.entryId ?? i}
                problem={p}
                onReenter={(summary) => {
                  setReentering(true);
                  setEditing(summary);
                }}
                onDelete={props.onDelete}
              />
            ))}
          </ul>
        </div>
      )}
      {credentials.length === 0 ? (
        <p class="muted">{t('optionsNoCredentials')}</p>
      ) : (
        <table data-testid="credentials">
          <thead>
            <tr>
              <th>{t('optionsProxy')}</th>
              <th>{t('optionsUser')}</th>
              <th>{t('optionsScope')}</th>
              <th>{t('optionsStatus')}</th>
              <th>
                <span class="sr-only">{t('credEdit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {credentials.map((c, i) => {
              const label = formatEndpoint(c.proxy);
              const last = props.lastResults.get(label);
              const first = i === 0 || !sameProxy(credentials[i - 1]!, c);
              const lastOfProxy = i === credentials.length - 1 || !sameProxy(credentials[i + 1]!, c);
              // The administrator's account: shown, never its password, and not the user's to edit, move or delete.
              const fromPolicy = isPolicyCredentialId(c.id);
              return (
                <tr key={c.id} data-credential-id={c.id} data-rejected={String(c.rejected)}>
                  <td>
                    <code>{label}</code>
                    <div class="muted">{c.realm ? `${t('promptRealm')}: ${c.realm}` : t('optionsAnyRealm')}</div>
                  </td>
                  <td>{c.username}</td>
                  <td>{fromPolicy ? t('credFromPolicy') : t(SCOPE_SHORT_KEYS[c.scope])}</td>
                  <td>
                    {c.rejected ? (
                      <span class="badge bad">{t('optionsStatusRejected')}</span>
                    ) : (
                      <span class="badge good">{t('optionsStatusOk')}</span>
                    )}
                    {last && (
                      <div class="muted small">
                        {t(OUTCOME_KEYS[last.outcome])} · {formatAgo(last.time, props.now)}
                      </div>
                    )}
                  </td>
                  {fromPolicy ? (
                    <td class="muted small" data-testid="credential-from-policy">
                      {t('credPolicyNote')}
                    </td>
                  ) : (
                    <td class="row-actions">
                      <button
                        type="button"
                        title={t('credMoveUp')}
                        aria-label={t('credMoveUp')}
                        disabled={first}
                        onClick={() => props.onMove(c, 'up')}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        title={t('credMoveDown')}
                        aria-label={t('credMoveDown')}
                        disabled={lastOfProxy}
                        onClick={() => props.onMove(c, 'down')}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        onClick={() => {
                          setReentering(false);
                          setEditing(c);
                        }}
                      >
                        {t('credEdit')}
                      </button>
                      <button type="button" onClick={() => props.onDelete(c)}>
                        {t('optionsDelete')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p class="muted small">{t('credOrderHint')}</p>
      {editing === undefined ? (
        <button
          type="button"
          class="primary"
          onClick={() => {
            setReentering(false);
            setEditing('new');
          }}
          data-testid="add-credential"
        >
          {t('credAdd')}
        </button>
      ) : (
        <CredentialForm
          key={editing === 'new' ? 'new' : editing.id}
          {...(editing === 'new' ? {} : { editing })}
          reenter={reentering}
          onSave={props.onSave}
          onDone={() => setEditing(undefined)}
        />
      )}
      {props.send && <PassphraseSection send={props.send} />}
      <p class="muted small">{t('optionsIncognito')}</p>
    </section>
  );
}
