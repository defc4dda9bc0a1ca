import { afterEach, describe, expect, it } from 'vitest';
import { announceChange, onChange, type ChangeNotice } from '../../../src/messaging/events-channel';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** Collects what a page hears; `next(n)` resolves once it has heard n notices. */
function listen() {
  const heard: ChangeNotice[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const stop = onChange((notice) => {
    heard.push(notice);
    for (const w of waiters.filter((w) => heard.length >= w.n)) w.resolve();
  });
  stops.push(stop);
  const next = (n: number) => new Promise<void>((resolve) => (heard.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { heard, next, stop };
}

/** Posts on the channel as a foreign or future sender would. */
function postRaw(data: unknown): void {
  const channel = new BroadcastChannel('proxy-keyring-changes');
  channel.postMessage(data);
  channel.close();
}

describe('the change channel between background and pages', () => {
  it('tells every open page what changed, in order', async () => {
    const options = listen();
    const popup = listen();
    announceChange('log');
    announceChange('credentials');
    announceChange('prompts');
    announceChange('settings');
    await Promise.all([options.next(4), popup.next(4)]);
    expect(options.heard).toEqual(['log', 'credentials', 'prompts', 'settings']);
    expect(popup.heard).toEqual(['log', 'credentials', 'prompts', 'settings']);
  });

  it('ignores anything on the channel that is not a notice', async () => {
    const page = listen();
    postRaw('passwords');
    postRaw({ notice: 'log' });
    postRaw(['log']);
    postRaw(null);
    announceChange('prompts');
    announceChange('log');
    await page.next(2);
    expect(page.heard).toEqual(['prompts', 'log']);
  });

  it('stops telling a page that unsubscribed', async () => {
    const closed = listen();
    const open = listen();
    closed.stop();
    announceChange('log');
    await open.next(1);
    expect(closed.heard).toEqual([]);
  });
});
