import type { Outcome } from '../../core/outcome';
import type { MessageKey } from './i18n';

/** The words for each outcome; the key names follow the outcome ids. */
export function outcomeMessageKey(outcome: Outcome): MessageKey {
  return `outcome_${outcome.replaceAll('-', '_')}` as MessageKey;
}
