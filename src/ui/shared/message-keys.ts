import type { Scope } from '../../core/credential';
import type { CredentialErrorCode } from '../../core/credential-input';
import type { CauseId } from '../../core/diagnose';
import type { Outcome } from '../../core/outcome';
import type { PromptNotice } from '../../core/prompt-board';
import type { ProxyConfigView } from '../../core/proxy-config';
import type { PolicyProblemCode } from '../../settings/policy';
import type { TimelineBand } from '../../core/timeline';
import type { MessageKey } from './i18n';

/*
 * The words for each id the core hands the pages, one typed map per kind.
 * `satisfies Record<Id, MessageKey>` makes a new id without words, or a key
 * missing from `_locales/en`, a type error instead of a blank on screen.
 */

/** What most likely happened to a logged challenge (diagnostics table, details, report). */
export const CAUSE_KEYS = {
  'answered-ok': 'cause_answered_ok',
  answered: 'cause_answered',
  'rejected-then-asked': 'cause_rejected_then_asked',
  'missing-credentials': 'cause_missing_credentials',
  'alias-host': 'cause_alias_host',
  'credentials-rejected': 'cause_credentials_rejected',
  'proxy-unreachable': 'cause_proxy_unreachable',
  'tunnel-failed': 'cause_tunnel_failed',
  socks: 'cause_socks',
  'refused-after-auth': 'cause_refused_after_auth',
  'strict-policy': 'cause_strict_policy',
  'unsupported-scheme': 'cause_unsupported_scheme',
  cancelled: 'cause_cancelled',
  'timed-out': 'cause_timed_out',
  'attempt-cap': 'cause_attempt_cap',
  'handed-to-browser': 'cause_handed_to_browser',
  'proxy-locked': 'cause_proxy_locked',
  'site-login-after-answer': 'cause_site_login_after_answer',
  'held-back': 'cause_held_back',
} as const satisfies Record<CauseId, MessageKey>;

/** What the user can do about each cause (record details). */
export const FIX_KEYS = {
  'answered-ok': 'fix_answered_ok',
  answered: 'fix_answered',
  'rejected-then-asked': 'fix_rejected_then_asked',
  'missing-credentials': 'fix_missing_credentials',
  'alias-host': 'fix_alias_host',
  'credentials-rejected': 'fix_credentials_rejected',
  'proxy-unreachable': 'fix_proxy_unreachable',
  'tunnel-failed': 'fix_tunnel_failed',
  socks: 'fix_socks',
  'refused-after-auth': 'fix_refused_after_auth',
  'strict-policy': 'fix_strict_policy',
  'unsupported-scheme': 'fix_unsupported_scheme',
  cancelled: 'fix_cancelled',
  'timed-out': 'fix_timed_out',
  'attempt-cap': 'fix_attempt_cap',
  'handed-to-browser': 'fix_handed_to_browser',
  'proxy-locked': 'fix_proxy_locked',
  'site-login-after-answer': 'fix_site_login_after_answer',
  'held-back': 'fix_held_back',
} as const satisfies Record<CauseId, MessageKey>;

/** What the extension did with a challenge (log, filters, last results). */
export const OUTCOME_KEYS = {
  'answered-saved': 'outcome_answered_saved',
  prompted: 'outcome_prompted',
  'answered-prompt': 'outcome_answered_prompt',
  rejected: 'outcome_rejected',
  'cancelled-user': 'outcome_cancelled_user',
  'timed-out': 'outcome_timed_out',
  'attempt-cap': 'outcome_attempt_cap',
  'handed-to-browser': 'outcome_handed_to_browser',
  'unsupported-scheme': 'outcome_unsupported_scheme',
  'proxy-error': 'outcome_proxy_error',
  locked: 'outcome_locked',
  'site-login-after-answer': 'outcome_site_login_after_answer',
  'held-back': 'outcome_held_back',
} as const satisfies Record<Outcome, MessageKey>;

/** Why the prompt asks although a password is saved (prompt window and popup). */
export const PROMPT_NOTICE_KEYS = {
  downgrade: 'promptNoticeDowngrade',
  doubt: 'promptNoticeDoubt',
  held: 'promptNoticeHeld',
} as const satisfies Record<PromptNotice, MessageKey>;

/** Why the background refused a credential the user typed on the options page. */
export const CREDENTIAL_ERROR_KEYS = {
  hostEmpty: 'credentialError_hostEmpty',
  hostInvalid: 'credentialError_hostInvalid',
  portRange: 'credentialError_portRange',
  usernameEmpty: 'credentialError_usernameEmpty',
  passwordEmpty: 'credentialError_passwordEmpty',
  duplicate: 'credentialError_duplicate',
  unknownId: 'credentialError_unknownId',
} as const satisfies Record<CredentialErrorCode, MessageKey>;

/** A scope as a choice the user makes ("On this device (encrypted)"). */
export const SCOPE_CHOICE_KEYS = {
  device: 'scopeDevice',
  session: 'scopeSession',
  once: 'scopeOnce',
} as const satisfies Record<Scope, MessageKey>;

/** A scope as a short word in the saved-passwords table ("this device"). */
export const SCOPE_SHORT_KEYS = {
  device: 'scope_device',
  session: 'scope_session',
  once: 'scope_once',
} as const satisfies Record<Scope, MessageKey>;

/** Why a field of the administrator's policy was ignored (src/settings/policy.ts), each with the field's name as $1. */
export const POLICY_PROBLEM_KEYS = {
  notObject: 'policyProblem_notObject',
  notList: 'policyProblem_notList',
  unknownField: 'policyProblem_unknownField',
  host: 'policyProblem_host',
  port: 'policyProblem_port',
  username: 'policyProblem_username',
  password: 'policyProblem_password',
  realm: 'policyProblem_realm',
  duplicate: 'policyProblem_duplicate',
  settingValue: 'policyProblem_settingValue',
} as const satisfies Record<PolicyProblemCode, MessageKey>;

/** The browser's proxy mode (proxy settings inspector). */
export const MODE_KEYS = {
  direct: 'mode_direct',
  fixed: 'mode_fixed',
  pac: 'mode_pac',
  system: 'mode_system',
  'auto-detect': 'mode_auto_detect',
  unknown: 'mode_unknown',
} as const satisfies Record<ProxyConfigView['mode'], MessageKey>;

/** Who controls the browser's proxy setting (proxy settings inspector). */
export const CONTROLLER_KEYS = {
  'this-extension': 'controller_this_extension',
  'other-extension': 'controller_other_extension',
  policy: 'controller_policy',
  user: 'controller_user',
} as const satisfies Record<ProxyConfigView['controlledBy'], MessageKey>;

/** The timeline's colour bands (legend). */
export const BAND_KEYS = {
  silent: 'bandSilent',
  asked: 'bandAsked',
  failed: 'bandFailed',
} as const satisfies Record<TimelineBand, MessageKey>;
