import type { KeyValueArea } from '../storage/key-value-area';
import type { BackgroundApi } from './background-api';

/** storage.session: the toolbar icon the browser shows now (ToolbarBadge). */
const ICON_KEY = 'toolbarIcon';

export interface BadgeState {
  /** Challenges waiting for the user. */
  readonly waiting: number;
  /** A saved credential was refused by its proxy. */
  readonly anyRejected: boolean;
  /** A proxy is locked after repeated refusals: nothing is answered or asked until the user unlocks it. */
  readonly anyLocked: boolean;
}

/** What the toolbar icon shows, most urgent first: someone has to sign in, a proxy is locked, a saved password was refused. */
export type IconState = 'idle' | 'waiting' | 'refused' | 'locked';

/** The sizes each icon set comes in (the toolbar uses 16 and 32; 48 and 128 for high-density screens and the extension pages). */
export type IconSet = Readonly<Record<'16' | '32' | '48' | '128', string>>;

function iconSet(name: string): IconSet {
  // From the extension's root: a relative path would resolve against the worker's own folder.
  return { 16: `/icons/${name}-16.png`, 32: `/icons/${name}-32.png`, 48: `/icons/${name}-48.png`, 128: `/icons/${name}-128.png` };
}

/**
 * The icon files of each state (drawn by test/icons/generate-icons.ts). Idle
 * is the extension's own icon, the one manifest.json names.
 */
export const ICON_SETS: Readonly<Record<IconState, IconSet>> = {
  idle: iconSet('icon'),
  waiting: iconSet('waiting'),
  refused: iconSet('refused'),
  locked: iconSet('locked'),
};

/** The badge's state as one of the icon's: the same order the badge text follows. */
export function iconStateOf(state: BadgeState): IconState {
  if (state.waiting > 0) return 'waiting';
  if (state.anyLocked) return 'locked';
  if (state.anyRejected) return 'refused';
  return 'idle';
}

/**
 * The toolbar button: its icon follows the state (a key; a key under dots
 * while someone has to sign in; a padlock while a proxy is locked; a struck
 * key when a saved password was refused), and so does the badge: the number
 * of challenges waiting for the user (red); when nothing waits, "LOCK" (dark
 * red) while a proxy is locked, or "!" (amber) when a saved credential was
 * refused and needs the user's attention. The icon repeats the badge in
 * shape, so neither colour nor the few pixels of the badge carry it alone.
 *
 * Only what changed is sent to the browser: Chrome's `action.setIcon` reads
 * and decodes each of the four files in the worker itself, which measured
 * 10–25 ms of a cold worker's first answer (docs/browser-behaviour.md#action-seticon),
 * and the badge is refreshed at every tracked request's end.
 */
export class ToolbarBadge {
  #shown: { readonly text?: string; readonly color?: string; readonly icon?: IconState } | undefined;

  /** `session` keeps the icon last set, which the browser keeps showing when the background stops and starts again. */
  constructor(
    private readonly api: Pick<BackgroundApi, 'action' | 'i18n'>,
    private readonly session?: KeyValueArea,
  ) {}

  /** Reads the icon a previous start left, so a start that finds nothing changed sets none. */
  async restore(): Promise<void> {
    const stored = (await this.session?.get(ICON_KEY))?.[ICON_KEY];
    if (this.#shown === undefined && typeof stored === 'string' && stored in ICON_SETS) this.#shown = { icon: stored as IconState };
  }

  show(state: BadgeState): void {
    const { action } = this.api;
    const { waiting, anyRejected, anyLocked } = state;
    const text = waiting > 0 ? String(waiting) : anyLocked ? this.api.i18n.getMessage('badgeLocked') || 'LOCK' : anyRejected ? '!' : '';
    const color = waiting > 0 ? '#b3261e' : anyLocked ? '#7f1d1d' : '#b26a00';
    const icon = iconStateOf(state);
    const shown = this.#shown;
    this.#shown = { text, color, icon };
    if (shown?.color !== color) void action.setBadgeBackgroundColor({ color }).catch(() => undefined);
    if (shown?.text !== text) void action.setBadgeText({ text }).catch(() => undefined);
    if (shown?.icon === icon) return;
    void action.setIcon({ path: ICON_SETS[icon] }).catch(() => undefined);
    void this.session?.set({ [ICON_KEY]: icon }).catch(() => undefined);
  }
}
