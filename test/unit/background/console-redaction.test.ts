import { afterEach, describe, expect, it, vi } from 'vitest';
import { BROWSER_PATHS } from '../../fakes/fake-browser';
import { challenge, startFreshBackground } from './background-world';

/** Everything the background wrote to the console during a test, as one text. */
function captureConsole(): () => string {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation(keep);
  return () => lines.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe.each(BROWSER_PATHS)('console output, $name', (path) => {
  it('an error quoting a URL reaches the console without its user name, password, query or fragment', async () => {
    const world = startFreshBackground(path);
    const output = captureConsole();
    // Browsers quote the address they failed on: the prompt's address carries its id in the query.
    world.windows.create = (data) =>
      Promise.reject(new Error(`Invalid url: ${data.url.replace('://', '://tester:hunter2@')}#frag-secret, try again`));
    expect(await world.webRequest.onAuthRequired.trigger(challenge())).toEqual({ cancel: true });
    const text = output();
    expect(text).toContain('could not open its prompt');
    expect(text).toMatch(/Invalid url: chrome-extension:\/\/[^/\s]+\/\S*prompt\S*, try again/);
    for (const secret of ['hunter2', 'tester', '?id=', 'frag-secret']) expect(text).not.toContain(secret);
  });
});
