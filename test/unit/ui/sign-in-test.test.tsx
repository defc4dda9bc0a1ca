// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignInReport } from '../../../src/core/sign-in-test';
import type { SendMessage } from '../../../src/messaging/send-message';
import { SignInTest } from '../../../src/ui/shared/sign-in-test';

const running: SignInReport = {
  url: 'http://neverssl.com/',
  startedAt: 1,
  state: 'running',
  steps: [{ kind: 'opened', atMs: 0, tookMs: 0 }],
};
const refused: SignInReport = {
  ...running,
  state: 'failed',
  steps: [
    { kind: 'opened', atMs: 0, tookMs: 0 },
    { kind: 'challenged', atMs: 12, tookMs: 12, proxy: 'proxy.example:3128', scheme: 'basic', realm: 'Office' },
    { kind: 'answered-saved', atMs: 14, tookMs: 2, proxy: 'proxy.example:3128', username: 'alice' },
    { kind: 'refused', atMs: 20, tookMs: 6, username: 'alice', diagnosis: { cause: 'credentials-rejected', severity: 'error' } },
    { kind: 'loaded', atMs: 30, tookMs: 10, statusCode: 407, diagnosis: { cause: 'cancelled', severity: 'warning' } },
  ],
};

/** A background that answers signin:test from a list of reports, one per read, and counts the starts. */
function fakeSend(reports: (SignInReport | null)[]) {
  const calls: boolean[] = [];
  const send = ((type: string, payload: { start: boolean }) => {
    if (type !== 'signin:test') return Promise.reject(new Error(type));
    calls.push(payload.start);
    return Promise.resolve(reports.length > 1 ? reports.shift() : reports[0]);
  }) as unknown as SendMessage;
  return { send, calls };
}

afterEach(cleanup);

describe('the sign-in test on the pages', () => {
  it('starts a test with the button, follows it while it runs, and reads the steps in words with their times and causes', async () => {
    const { send, calls } = fakeSend([null, running, running, refused]);
    render(<SignInTest send={send} pollMs={5} />);
    await waitFor(() => expect(calls).toEqual([false]));
    expect(screen.queryByTestId('signin-report')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Run the test' }));
    await waitFor(() => expect(screen.getByTestId('signin-report').dataset['state']).toBe('failed'));
    expect(calls[1]).toBe(true);
    expect(calls.slice(2).every((start) => !start)).toBe(true);
    const steps = within(screen.getByTestId('signin-steps')).getAllByRole('listitem');
    expect(steps.map((li) => li.dataset['kind'])).toEqual(['opened', 'challenged', 'answered-saved', 'refused', 'loaded']);
    expect(steps[0]!.textContent).toContain('http://neverssl.com/');
    expect(steps[1]!.textContent).toContain('proxy.example:3128');
    expect(steps[2]!.textContent).toContain('alice');
    expect(steps[3]!.textContent).toMatch(/refused the password of alice.*6 ms/);
    expect(within(steps[3]!).getByTestId('signin-cause').dataset['cause']).toBe('credentials-rejected');
    expect(steps[3]!.textContent).toContain('Enter the right password');
    expect(steps[4]!.textContent).toContain('407');
    expect(screen.getByRole('status').textContent).toContain('problem');
    // Not running any more: the button starts a new test again.
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Run the test' }).disabled).toBe(false);
  });

  it('shows the last report on opening, and no button while one runs', async () => {
    const { send } = fakeSend([running]);
    render(<SignInTest send={send} pollMs={5} />);
    await waitFor(() => expect(screen.getByTestId('signin-report').dataset['state']).toBe('running'));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Run the test' }).disabled).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('Testing…');
  });

  it('an unnamed proxy is not shown as a dash, and a cause the step before gave is not repeated', async () => {
    const unreachable: SignInReport = {
      ...running,
      state: 'failed',
      steps: [
        { kind: 'opened', atMs: 0, tookMs: 0 },
        { kind: 'outcome', atMs: 5, tookMs: 5, outcome: 'cancelled-user', diagnosis: { cause: 'cancelled', severity: 'warning' } },
        { kind: 'loaded', atMs: 9, tookMs: 4, statusCode: 407, diagnosis: { cause: 'cancelled', severity: 'warning' } },
        {
          kind: 'not-reached',
          atMs: 9,
          tookMs: 0,
          error: 'net::ERR_PROXY_CONNECTION_FAILED',
          diagnosis: { cause: 'proxy-unreachable', severity: 'error' },
        },
      ],
    };
    const { send } = fakeSend([unreachable]);
    render(<SignInTest send={send} />);
    await waitFor(() => expect(screen.getByTestId('signin-report').dataset['state']).toBe('failed'));
    expect(screen.getAllByTestId('signin-cause').map((c) => c.dataset['cause'])).toEqual(['cancelled', 'proxy-unreachable']);
    const notReached = within(screen.getByTestId('signin-steps')).getAllByRole('listitem')[3]!;
    expect(notReached.textContent).toContain('The proxy could not be reached (net::ERR_PROXY_CONNECTION_FAILED)');
  });

  it('a background that fails says so in words', async () => {
    const send = (() => Promise.reject(new Error('gone'))) as unknown as SendMessage;
    render(<SignInTest send={send} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).not.toBe(''));
  });
});
