import { useEffect, useState } from 'preact/hooks';
import type { SignInReport, SignInStep } from '../../core/sign-in-test';
import type { BackgroundSeam } from './background-seam';
import { describeError, t } from './i18n';
import { CAUSE_KEYS, FIX_KEYS, OUTCOME_KEYS } from './message-keys';

export interface SignInTestProps {
  readonly send: BackgroundSeam['send'];
  /** How often a running test's report is read again. */
  readonly pollMs?: number;
}

/** A step in words: what happened, with the proxy and the account (a user name, never a password). */
function describeStep(step: SignInStep, url: string): string {
  const user = step.username ?? '—';
  switch (step.kind) {
    case 'opened':
      return t('signInStepOpened', url);
    case 'challenged':
      return t('signInStepChallenged', step.proxy ?? '—', step.scheme ?? '—');
    case 'answered-saved':
      return t('signInStepAnsweredSaved', user);
    case 'prompted':
      return t('signInStepPrompted');
    case 'answered-prompt':
      return t('signInStepAnsweredPrompt', user);
    case 'refused':
      return t('signInStepRefused', user);
    case 'accepted':
      return t('signInStepAccepted', user);
    case 'outcome':
      return step.outcome ? t(OUTCOME_KEYS[step.outcome]) : '—';
    case 'no-challenge':
      return t('signInStepNoChallenge');
    case 'not-reached':
      return step.proxy ? t('signInStepNotReached', step.proxy, step.error ?? '—') : t('signInStepNotReachedUnnamed', step.error ?? '—');
    case 'loaded':
      return t('signInStepLoaded', String(step.statusCode ?? '—'));
    case 'failed':
      return t('signInStepFailed', step.error ?? '—');
    case 'timed-out':
      return t('signInStepTimedOut', String(Math.round(step.atMs / 1000)));
  }
}

/** The report: one line per step with its time, and the likely cause and fix where something went wrong. */
export function SignInReportView({ report }: { report: SignInReport }) {
  const summary =
    report.state === 'running' ? t('signInTestRunning') : report.state === 'passed' ? t('signInTestPassed') : t('signInTestFailed');
  return (
    <div class="signin-report" data-testid="signin-report" data-state={report.state}>
      <p class={report.state === 'failed' ? 'error' : report.state === 'passed' ? 'ok-text' : 'muted'} role="status" aria-live="polite">
        {summary}
      </p>
      <ol class="signin-steps" data-testid="signin-steps">
        {report.steps.map((step, index) => (
          <li key={index} data-kind={step.kind} class={step.diagnosis ? `sev-${step.diagnosis.severity}` : undefined}>
            <span>{describeStep(step, report.url)}</span> <span class="muted small">{t('fieldAnswerMsValue', String(step.tookMs))}</span>
            {/* A cause already given by the step before (a cancel, then the 407 it ended with) is not repeated. */}
            {step.diagnosis && step.diagnosis.severity !== 'ok' && report.steps[index - 1]?.diagnosis?.cause !== step.diagnosis.cause && (
              <div class="small" data-testid="signin-cause" data-cause={step.diagnosis.cause}>
                <div>
                  <strong>{t('diagCause')}: </strong>
                  {t(CAUSE_KEYS[step.diagnosis.cause])}
                </div>
                <div>
                  <strong>{t('diagFix')}: </strong>
                  {t(FIX_KEYS[step.diagnosis.cause])}
                </div>
              </div>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * "Test my proxy sign-in", on the toolbar popup and the options page: starts
 * a test in the background (which opens the test address in a background
 * tab) and shows its report as it grows. The last report shows on opening.
 */
export function SignInTest({ send, pollMs = 300 }: SignInTestProps) {
  const [report, setReport] = useState<SignInReport | null>(null);
  const [error, setError] = useState<string>();
  // Counts the reads, so that a read giving an equal report still schedules the next one.
  const [reads, setReads] = useState(0);
  const read = (start: boolean) =>
    send('signin:test', { start }).then(
      (next) => {
        setError(undefined);
        setReport(next);
        setReads((n) => n + 1);
      },
      (e: unknown) => setError(describeError(e)),
    );

  useEffect(() => {
    void read(false);
  }, []);
  // Each report read while running schedules the next read.
  useEffect(() => {
    if (report?.state !== 'running') return undefined;
    const timer = setTimeout(() => void read(false), pollMs);
    return () => clearTimeout(timer);
  }, [report, reads]);

  const running = report?.state === 'running';
  return (
    <section class="signin-test" data-testid="signin-test" aria-labelledby="signin-test-title">
      <h2 id="signin-test-title">{t('signInTestTitle')}</h2>
      <p class="muted small">{t('signInTestIntro')}</p>
      <button type="button" onClick={() => void read(true)} disabled={running} data-testid="signin-test-start">
        {t('signInTestButton')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && <SignInReportView report={report} />}
    </section>
  );
}
