import { describe, expect, it, vi } from 'vitest';
import { PromptBoard, promptKey } from '../../../src/core/prompt-board';
import { makeChallenge } from '../challenge-factory';

function makeBoard(timeoutMs = 60_000) {
  vi.useFakeTimers();
  const changes: number[] = [];
  const board = new PromptBoard(
    () => timeoutMs,
    undefined,
    () => changes.push(board.waitingTotal()),
  );
  return { board, changes };
}

describe('PromptBoard', () => {
  it('opens one prompt per proxy and realm; later challenges join it', () => {
    const { board } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1', url: 'http://a.test/x' }));
    const b = board.join(makeChallenge({ requestId: '2', url: 'http://b.test/y' }));
    const c = board.join(makeChallenge({ requestId: '3', url: 'http://a.test/z' }));
    expect([a.opened, b.opened, c.opened]).toEqual([true, false, false]);
    expect(board.list()).toHaveLength(1);
    expect(board.get(a.prompt.id)).toMatchObject({ waitingCount: 3, sites: ['a.test', 'b.test'] });
  });

  it('keeps separate prompts for another port or realm', () => {
    const { board } = makeBoard();
    board.join(makeChallenge({ requestId: '1' }));
    board.join(makeChallenge({ requestId: '2', challenger: { host: 'proxy.example', port: 8080 } }));
    board.join(makeChallenge({ requestId: '3', realm: 'Lab' }));
    expect(board.list()).toHaveLength(3);
    expect(promptKey({ host: 'Proxy.example', port: 1 }, 'r')).toBe(promptKey({ host: 'proxy.example', port: 1 }, 'r'));
  });

  it('answers every waiting request with one submit', async () => {
    const { board } = makeBoard();
    const joins = Array.from({ length: 50 }, (_, i) => board.join(makeChallenge({ requestId: String(i) })));
    const answered = board.submit(joins[0]!.prompt.id, { username: 'u', password: 'p', credentialId: 'c' });
    expect(answered).toBe(50);
    const results = await Promise.all(joins.map((j) => j.result));
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['submit']));
    expect(board.list()).toHaveLength(0);
    expect(board.waitingTotal()).toBe(0);
  });

  it('cancels every waiting request when the user cancels', async () => {
    const { board } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1' }));
    const b = board.join(makeChallenge({ requestId: '2' }));
    expect(board.cancel(a.prompt.id, 'user')).toBe(2);
    expect(await a.result).toEqual({ kind: 'cancel', reason: 'user' });
    expect(await b.result).toEqual({ kind: 'cancel', reason: 'user' });
  });

  it('times out: nothing is left hanging', async () => {
    const { board } = makeBoard(30_000);
    const a = board.join(makeChallenge());
    vi.advanceTimersByTime(29_999);
    expect(board.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(await a.result).toEqual({ kind: 'cancel', reason: 'timeout' });
    expect(board.list()).toHaveLength(0);
  });

  it('a submit after the end answers nothing and a new challenge opens a new prompt', () => {
    const { board } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1' }));
    board.cancel(a.prompt.id, 'user');
    expect(board.submit(a.prompt.id, { username: 'u', password: 'p', credentialId: 'c' })).toBe(0);
    const b = board.join(makeChallenge({ requestId: '2' }));
    expect(b.opened).toBe(true);
    expect(b.prompt.id).not.toBe(a.prompt.id);
  });

  it('shows the rejection line when a joining challenge reports a refused credential', () => {
    const { board } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1' }));
    expect(a.prompt.rejected).toBe(false);
    board.join(makeChallenge({ requestId: '2' }), { rejection: { username: 'alice' } });
    expect(board.get(a.prompt.id)).toMatchObject({ rejected: true, rejectedUsername: 'alice' });
  });

  it('tells the user how many failed logins were sent and why it asks although a password is saved', () => {
    const { board } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1' }));
    expect(a.prompt).not.toHaveProperty('failedLogins');
    board.join(makeChallenge({ requestId: '2' }), { rejection: {}, failedLogins: 2, notice: 'downgrade' });
    expect(board.get(a.prompt.id)).toMatchObject({ rejected: true, failedLogins: 2, notice: 'downgrade' });
    expect(board.get(a.prompt.id)).not.toHaveProperty('rejectedUsername');
  });

  it('reports changes so the badge and keep-alive follow', () => {
    const { board, changes } = makeBoard();
    const a = board.join(makeChallenge({ requestId: '1' }));
    board.join(makeChallenge({ requestId: '2' }));
    board.submit(a.prompt.id, { username: 'u', password: 'p', credentialId: 'c' });
    expect(changes).toEqual([1, 2, 0]);
  });
});
