import { hasSocksServer, isConfiguredProxy, type ProxyConfigView } from '../../core/proxy-config';
import { formatEndpoint, parseEndpoint } from '../../core/proxy-endpoint';
import { t } from '../shared/i18n';
import { CONTROLLER_KEYS, MODE_KEYS } from '../shared/message-keys';

export type InspectorState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'denied' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'read'; readonly config: ProxyConfigView };

function Challengers({ config, challengers }: { config: ProxyConfigView; challengers: readonly string[] }) {
  const verdicts = challengers
    .map((label) => ({ label, endpoint: parseEndpoint(label) }))
    .filter((c) => c.endpoint !== undefined)
    .map((c) => ({ label: c.label, configured: isConfiguredProxy(config, c.endpoint!) }));
  if (verdicts.length === 0) return null;
  if (verdicts.some((v) => v.configured === undefined)) return <p class="muted">{t('inspectorCannotTell')}</p>;
  const strangers = verdicts.filter((v) => v.configured === false);
  if (strangers.length === 0) return <p class="ok-text">{t('inspectorAllMatch')}</p>;
  return (
    <ul data-testid="inspector-mismatch">
      {strangers.map((s) => (
        <li key={s.label} class="bad-text">
          {t('inspectorMismatch', s.label)}
        </li>
      ))}
    </ul>
  );
}

/** What proxy the browser uses and who controls it; flags challengers that are not the configured proxy. */
export function InspectorSection({
  state,
  challengers,
  onInspect,
}: {
  state: InspectorState;
  challengers: readonly string[];
  onInspect: () => void;
}) {
  return (
    <section id="inspector" aria-labelledby="inspector-title">
      <h2 id="inspector-title">{t('navInspector')}</h2>
      <p class="muted">{t('inspectorIntro')}</p>
      <button type="button" onClick={onInspect} data-testid="inspect">
        {t('inspectorButton')}
      </button>
      {state.kind === 'denied' && <p class="error">{t('inspectorDenied')}</p>}
      {state.kind === 'error' && <p class="error">{t('optionsLoadError', state.message)}</p>}
      {state.kind === 'read' && (
        <div data-testid="inspector-result">
          <dl class="facts">
            <dt>{t('inspectorMode')}</dt>
            <dd data-testid="inspector-mode">{t(MODE_KEYS[state.config.mode])}</dd>
            {state.config.servers.length > 0 && (
              <>
                <dt>{t('inspectorServers')}</dt>
                <dd>{state.config.servers.map((s) => `${s.scheme} ${formatEndpoint(s)}`).join(', ')}</dd>
              </>
            )}
            {state.config.pacUrl && (
              <>
                <dt>{t('inspectorPac')}</dt>
                <dd class="ellipsis">{state.config.pacUrl.slice(0, 200)}</dd>
              </>
            )}
            <dt>{t('inspectorControlledBy')}</dt>
            <dd>{t(CONTROLLER_KEYS[state.config.controlledBy])}</dd>
          </dl>
          {hasSocksServer(state.config) && <p class="warning-text">{t('inspectorSocks')}</p>}
          <Challengers config={state.config} challengers={challengers} />
        </div>
      )}
    </section>
  );
}
