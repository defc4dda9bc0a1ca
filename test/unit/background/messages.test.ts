import { describe, expect, it } from 'vitest';
import { BROWSER_PATHS } from '../../fakes/fake-browser';
import { PROXY, challenge, promptIdOf, readLog, saveCredential, startFreshBackground, eventually, respond } from './background-world';

/** The background's answers to its pages, through runtime.onMessage, as the pages send them. */
describe.each(BROWSER_PATHS)('messages to the background, $name', (path) => {
  it('refuses to answer anything but the extension’s own pages, and a refused message changes nothing', async () => {
    const world = startFreshBackground(path);
    const save = {
      type: 'credentials:save',
      payload: { host: 'proxy.example', port: 3128, realm: '', username: 'eve', password: 'x', scope: 'device' },
    };
    const ownId = world.trustedSender.id;
    expect(await world.sendRaw(save, { id: 'another-extension', url: 'chrome-extension://another-extension/page.html' })).toBeUndefined();
    // A content script carries our id but a web page's address.
    expect(await world.sendRaw(save, { id: ownId, url: 'https://evil.example/' })).toBeUndefined();
    expect(await world.sendRaw(save, { id: ownId })).toBeUndefined();
    expect(await world.send('credentials:list', {})).toMatchObject({ credentials: [] });
  });

  it('answers a malformed message with an error that names the problem and never echoes a password', async () => {
    const world = startFreshBackground(path);
    expect(await world.sendRaw('hello')).toMatchObject({ ok: false });
    const unknownType = await world.sendRaw({ type: 'vault:dump' });
    expect(unknownType).toMatchObject({ ok: false });
    expect(JSON.stringify(unknownType)).toContain('vault:dump');
    const reply = await world.sendRaw({
      type: 'prompt:submit',
      payload: { promptId: 'p', proxy: { host: 'proxy.example', port: 0 }, realm: '', username: 'u', password: 'hunter2', scope: 'device' },
    });
    expect(reply).toMatchObject({ ok: false });
    expect(JSON.stringify(reply)).toContain('proxy.port');
    expect(JSON.stringify(reply)).not.toContain('hunter2');
  });

  it('a handler’s failure comes back as an error, not as silence', async () => {
    const world = startFreshBackground(path);
    await expect(world.send('credentials:move', { id: 'gone', direction: 'up' })).rejects.toThrow(/no longer exists/);
  });

  it('prompt messages: get, ping, list, cancel, and a submit for a prompt that is gone', async () => {
    const world = startFreshBackground(path);
    const waiting = world.webRequest.onAuthRequired.trigger(challenge({ url: 'http://site.test/x' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    const promptId = promptIdOf(world.windows.list()[0]!.url);
    expect(await world.send('prompt:get', { promptId })).toMatchObject({
      proxy: PROXY,
      realm: 'Office',
      sites: ['site.test'],
      waitingCount: 1,
    });
    expect(await world.send('prompt:ping', { promptId })).toEqual({ alive: true });
    expect(await world.send('prompts:list', {})).toMatchObject([{ id: promptId }]);
    expect(await world.send('prompt:cancel', { promptId })).toEqual({ cancelled: 1 });
    expect(await waiting).toEqual({ cancel: true });
    expect(await world.send('prompt:get', { promptId })).toBeNull();
    expect(await world.send('prompt:ping', { promptId })).toEqual({ alive: false });
    // The background restarted under an open prompt page: what the user typed is still saved.
    expect(
      await world.send('prompt:submit', { promptId, proxy: PROXY, realm: 'Office', username: 'carol', password: 'pw', scope: 'session' }),
    ).toEqual({ answered: 0, saved: true, promptGone: true });
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'later' }))).toEqual({
      authCredentials: { username: 'carol', password: 'pw' },
    });
    expect((await world.send('credentials:list', {})).credentials).toMatchObject([{ username: 'carol', scope: 'session' }]);
  });

  it('credential messages: save (with field errors), list in answer order, move, delete', async () => {
    const world = startFreshBackground(path);
    const invalid = await world.send('credentials:save', { host: '', port: 0, realm: '', username: '', password: '', scope: 'device' });
    expect(invalid).toMatchObject({ errors: { host: 'hostEmpty', port: 'portRange' } });
    const first = await saveCredential(world, { username: 'first', password: '1' });
    const second = await saveCredential(world, { username: 'second', password: '2' });
    const names = async () => (await world.send('credentials:list', {})).credentials.map((c) => c.username);
    expect(await names()).toEqual(['first', 'second']);
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: '1' }))).toMatchObject({
      authCredentials: { username: 'first' },
    });
    expect((await world.send('credentials:move', { id: second, direction: 'up' })).credentials.map((c) => c.username)).toEqual([
      'second',
      'first',
    ]);
    expect(await world.webRequest.onAuthRequired.trigger(challenge({ requestId: '2' }))).toMatchObject({
      authCredentials: { username: 'second' },
    });
    expect(await world.send('credentials:delete', { id: second })).toEqual({ deleted: true });
    expect(await world.send('credentials:delete', { id: second })).toEqual({ deleted: false });
    expect(await names()).toEqual(['first']);
    expect(JSON.stringify(await world.send('credentials:list', {}))).not.toContain('"1"');
    expect(first).not.toBe(second);
  });

  it('log messages: list (newest first), flush, clear', async () => {
    const world = startFreshBackground(path);
    await saveCredential(world);
    await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
    // The proxy accepts the password on 'a', so 'b' is answered at once.
    respond(world, 'a');
    await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
    expect(await world.send('log:flush', {})).toEqual({ flushed: true });
    expect((await readLog(world, 10)).map((r) => r.requestId)).toEqual(['b', 'a']);
    expect((await readLog(world, 1)).map((r) => r.requestId)).toEqual(['b']);
    expect(await world.send('log:clear', {})).toEqual({ cleared: true });
    expect(await readLog(world, 10)).toEqual([]);
  });

  it('settings messages: get gives the defaults and where they came from', async () => {
    const world = startFreshBackground(path);
    expect(await world.send('settings:get', {})).toMatchObject({
      settings: { attemptCap: 3 },
      invalid: [],
      sources: { attemptCap: 'default' },
    });
  });
});
