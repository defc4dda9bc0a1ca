/**
 * Background → pages "something changed" notices. A BroadcastChannel reaches
 * every open extension page of the same origin without a browser API call,
 * and is a no-op when no page listens.
 */
export type ChangeNotice = 'log' | 'prompts' | 'credentials' | 'standings';

const CHANNEL = 'proxy-keyring-changes';

export function announceChange(notice: ChangeNotice): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(notice);
  channel.close();
}

export function onChange(listener: (notice: ChangeNotice) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data === 'log' || event.data === 'prompts' || event.data === 'credentials' || event.data === 'standings')
      listener(event.data);
  };
  return () => channel.close();
}
