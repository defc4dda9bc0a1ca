import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it } from 'vitest';
import { ICON_SETS, iconStateOf, showBadge, type BadgeState, type IconState } from '../../../src/background/badge';
import { BROWSER_PATHS, createFakeBrowser } from '../../fakes/fake-browser';
import { PROXY, challenge, eventually, promptIdOf, saveCredential, startFreshBackground } from './background-world';

const NOTHING: BadgeState = { waiting: 0, anyRejected: false, anyLocked: false };

/** Every state the toolbar can be in, the icon and badge text it must show, most urgent first. */
const CASES: readonly { readonly state: BadgeState; readonly icon: IconState; readonly text: string }[] = [
  { state: NOTHING, icon: 'idle', text: '' },
  { state: { ...NOTHING, anyRejected: true }, icon: 'refused', text: '!' },
  { state: { ...NOTHING, anyLocked: true }, icon: 'locked', text: 'LOCK' },
  { state: { ...NOTHING, anyLocked: true, anyRejected: true }, icon: 'locked', text: 'LOCK' },
  { state: { ...NOTHING, waiting: 2 }, icon: 'waiting', text: '2' },
  { state: { waiting: 1, anyLocked: true, anyRejected: true }, icon: 'waiting', text: '1' },
];

describe('the toolbar icon', () => {
  it.each(CASES)('$state shows the $icon icon with the badge "$text"', async ({ state, icon, text }) => {
    fakeBrowser.reset();
    const world = createFakeBrowser(BROWSER_PATHS[0]!.permissions);
    // Start from another state, so that an icon left unchanged cannot pass.
    showBadge(world.api, icon === 'waiting' ? NOTHING : { ...NOTHING, waiting: 5 });
    showBadge(world.api, state);
    await eventually(async () => expect(await world.badge()).toMatchObject({ text }));
    expect(iconStateOf(state)).toBe(icon);
    expect(world.icon()).toEqual(ICON_SETS[icon]);
  });

  it('gives each state its own files, at 16, 32, 48 and 128 pixels, from the extension root', () => {
    const files = Object.values(ICON_SETS).flatMap((set) => Object.values(set));
    expect(new Set(files).size).toBe(16);
    for (const [state, set] of Object.entries(ICON_SETS)) {
      expect(Object.keys(set).sort()).toEqual(['128', '16', '32', '48']);
      for (const [size, path] of Object.entries(set)) expect(path).toMatch(new RegExp(`^/icons/[a-z]+-${size}\\.png$`));
      expect(set['16']).toContain(state === 'idle' ? 'icon' : state);
    }
  });
});

describe.each(BROWSER_PATHS)('the toolbar icon of the whole background, $name', (path) => {
  it('shows waiting while a prompt waits, refused once the saved password was refused, and idle after a good sign-in', async () => {
    const world = startFreshBackground(path);
    await saveCredential(world, { password: 'wrong' });
    await eventually(() => expect(world.icon()).toEqual(ICON_SETS.idle));
    await world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
    const refused = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
    await eventually(() => expect(world.icon()).toEqual(ICON_SETS.waiting));
    world.windows.close(world.windows.list()[0]!.id);
    await refused;
    await eventually(() => expect(world.icon()).toEqual(ICON_SETS.refused));
    const next = world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
    await eventually(() => expect(world.windows.list()).toHaveLength(1));
    await eventually(() => expect(world.icon()).toEqual(ICON_SETS.waiting));
    await world.send('prompt:submit', {
      promptId: promptIdOf(world.windows.list()[0]!.url),
      proxy: PROXY,
      realm: 'Office',
      username: 'alice',
      password: 'right',
      scope: 'device',
    });
    await next;
    await eventually(() => expect(world.icon()).toEqual(ICON_SETS.idle));
  });
});
