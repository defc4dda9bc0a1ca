/**
 * Background → pages "something changed" notices. A BroadcastChannel reaches
 * every open extension page of the same origin without a browser API call,
 * and is a no-op when no page listens.
 */
/** `settings`: the settings in effect changed (the administrator's policy, or another page saved them). */
export type ChangeNotice = 'log' | 'prompts' | 'credentials' | 'standings' | 'settings';
const NOTICES: readonly unknown[] = ['log', 'prompts', 'credentials', 'standings', 'settings'] satisfies ChangeNotice[];

const CHANNEL = 'proxy-keyring-changes';

export function announceChange(notice: ChangeNotice): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(notice);
  channel.close();
}

export function onChange(listener: (notice: ChangeNotice) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (NOTICES.includes(event.data)) listener(event.data as ChangeNotice);
  };
  return () => channel.close();
}
