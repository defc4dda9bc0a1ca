import { hasSocksServer, isConfiguredProxy, type ProxyConfigView } from '../../core/proxy-config';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { parseProxyLabel } from '../../core/diagnose';
import { t, type MessageKey } from '../shared/i18n';

export type InspectorState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'denied' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'read'; readonly config: ProxyConfigView };

const MODE_WORDS: Record<ProxyConfigView['mode'], MessageKey> = {
  direct: 'mode_direct',
  fixed: 'mode_fixed',
  pac: 'mode_pac',
  system: 'mode_system',
  'auto-detect': 'mode_auto_detect',
  unknown: 'mode_unknown',
};

const CONTROLLER_WORDS: Record<ProxyConfigView['controlledBy'], MessageKey> = {
  'this-extension': 'controller_this_extension',
  'other-extension': 'controller_other_extension',
  policy: 'controller_policy',
  user: 'controller_user',
};

function Challengers({ config, challengers }: { config: ProxyConfigView; challengers: readonly string[] }) {
  const verdicts = challengers
    .map((label) => ({ label, endpoint: parseProxyLabel(label) }))
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
            <dd data-testid="inspector-mode">{t(MODE_WORDS[state.config.mode])}</dd>
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
            <dd>{t(CONTROLLER_WORDS[state.config.controlledBy])}</dd>
          </dl>
          {hasSocksServer(state.config) && <p class="warning-text">{t('inspectorSocks')}</p>}
          <Challengers config={state.config} challengers={challengers} />
        </div>
      )}
    </section>
  );
}
