import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it } from 'vitest';
import { ICON_SETS, ToolbarBadge, iconStateOf, type BadgeState, type IconState } from '../../../src/background/badge';
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
    const badge = new ToolbarBadge(world.api);
    // Start from another state, so that an icon left unchanged cannot pass.
    badge.show(icon === 'waiting' ? NOTHING : { ...NOTHING, waiting: 5 });
    badge.show(state);
    await eventually(async () => expect(await world.badge()).toMatchObject({ text }));
    expect(iconStateOf(state)).toBe(icon);
    expect(world.icon()).toEqual(ICON_SETS[icon]);
  });

  it('sends the browser only what changed: the icon once per state, the text once per text', async () => {
    fakeBrowser.reset();
    const world = createFakeBrowser(BROWSER_PATHS[0]!.permissions);
    const calls = { icon: 0, text: 0, color: 0 };
    const { action } = world.api;
    const counted = {
      ...world.api,
      action: {
        ...action,
        setIcon: (d: Parameters<typeof action.setIcon>[0]) => (calls.icon++, action.setIcon(d)),
        setBadgeText: (d: Parameters<typeof action.setBadgeText>[0]) => (calls.text++, action.setBadgeText(d)),
        setBadgeBackgroundColor: (d: Parameters<typeof action.setBadgeBackgroundColor>[0]) => (
          calls.color++,
          action.setBadgeBackgroundColor(d)
        ),
      },
    };
    const badge = new ToolbarBadge(counted);
    for (let i = 0; i < 5; i++) badge.show(NOTHING);
    expect(calls).toEqual({ icon: 1, text: 1, color: 1 });
    badge.show({ ...NOTHING, waiting: 1 });
    badge.show({ ...NOTHING, waiting: 2 });
    // Two counts: the text twice, the waiting icon and its red once.
    expect(calls).toEqual({ icon: 2, text: 3, color: 2 });
    badge.show(NOTHING);
    await eventually(async () => expect(await world.badge()).toMatchObject({ text: '' }));
    expect(world.icon()).toEqual(ICON_SETS.idle);
    expect(calls).toEqual({ icon: 3, text: 4, color: 3 });
  });

  it('a new start sets no icon when the browser shows the right one already, and the right one when it does not', async () => {
    fakeBrowser.reset();
    const world = createFakeBrowser(BROWSER_PATHS[0]!.permissions);
    let icons = 0;
    const counted = {
      ...world.api,
      action: {
        ...world.api.action,
        setIcon: (d: Parameters<typeof world.api.action.setIcon>[0]) => (icons++, world.api.action.setIcon(d)),
      },
    };
    const before = new ToolbarBadge(counted, world.api.storage.session);
    before.show({ ...NOTHING, anyRejected: true });
    await eventually(async () => expect(await world.api.storage.session.get('toolbarIcon')).toEqual({ toolbarIcon: 'refused' }));
    const same = new ToolbarBadge(counted, world.api.storage.session);
    await same.restore();
    same.show({ ...NOTHING, anyRejected: true });
    expect(icons).toBe(1);
    const changed = new ToolbarBadge(counted, world.api.storage.session);
    await changed.restore();
    changed.show(NOTHING);
    expect(icons).toBe(2);
    expect(world.icon()).toEqual(ICON_SETS.idle);
    // Garbage where the icon was kept: the icon is set, as on a first start.
    await world.api.storage.session.set({ toolbarIcon: 'sparkles' });
    const unreadable = new ToolbarBadge(counted, world.api.storage.session);
    await unreadable.restore();
    unreadable.show(NOTHING);
    expect(icons).toBe(3);
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
