import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeLogRecord, type LogRecord } from '../../../src/core/log-record';
import { EventLogWriter, clearRecords, countRecords, readRecentRecords } from '../../../src/storage/event-log';
import { makeChallenge } from '../challenge-factory';
import { BROWSER_PATHS } from '../../fakes/fake-browser';
import { challenge, eventually, startFreshBackground } from '../background/background-world';

/**
 * Faults injected into (fake) IndexedDB: the log writer reports a failed
 * batch and goes on. Each test failed on the writer before it could fail soft
 * (one failed batch made every later flush reject with the first error).
 */
const record = (i: number, requestId = String(i)): LogRecord =>
  makeLogRecord(makeChallenge({ requestId }), { outcome: 'answered-saved', attempt: 1, time: 1000 + i });

/** The next `times` writes of a record throw as a full disk does. */
function failAdds(times: number, name = 'QuotaExceededError'): void {
  const spy = vi.spyOn(IDBObjectStore.prototype, 'add');
  for (let i = 0; i < times; i++) {
    spy.mockImplementationOnce(() => {
      throw new DOMException('The quota has been exceeded.', name);
    });
  }
}

/** The next `times` opens of a database fail, as IndexedDB does in a private window or with a broken profile. */
function failOpens(times: number): void {
  const spy = vi.spyOn(indexedDB, 'open');
  for (let i = 0; i < times; i++) {
    spy.mockImplementationOnce(() => {
      throw new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError');
    });
  }
}

const ids = async () => (await readRecentRecords(1000)).map((r) => r.requestId).reverse();

describe('EventLogWriter under IndexedDB faults', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await clearRecords();
    vi.restoreAllMocks();
  });

  it('after a failed batch (quota), later batches still land, the failed records first', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = new EventLogWriter(() => 1000);
    failAdds(1);
    log.append(record(1));
    log.append(record(2));
    const failed = await log.flush();
    expect(failed.flushed).toBe(false);
    expect(failed.health).toMatchObject({ failedBatches: 1, dropped: 0, lastError: 'QuotaExceededError' });
    expect(await countRecords()).toBe(0);

    log.append(record(3));
    const landed = await log.flush();
    expect(landed).toMatchObject({ flushed: true, health: { failedBatches: 1, dropped: 0 } });
    expect(landed.health.lastError).toBeUndefined();
    expect(await ids()).toEqual(['1', '2', '3']);
    // Reported once, by the error's name only: no record, no URL, no user name in the console.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0])).toContain('QuotaExceededError');
    expect(String(warn.mock.calls[0])).not.toContain('origin.test');
  });

  it('a failed open is not kept: the next flush opens again', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = new EventLogWriter(() => 1000);
    failOpens(1);
    log.append(record(1));
    expect((await log.flush()).flushed).toBe(false);
    log.append(record(2));
    expect((await log.flush()).flushed).toBe(true);
    expect(await ids()).toEqual(['1', '2']);
  });

  it('a record the browser cannot store (DataCloneError) is dropped and counted; the rest of its batch lands', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = new EventLogWriter(() => 1000);
    const uncloneable = { ...record(2), tabId: (() => 2) as unknown as number };
    log.append(record(1));
    log.append(uncloneable);
    log.append(record(3));
    const result = await log.flush();
    expect(result.health).toMatchObject({ dropped: 1 });
    expect(await ids()).toEqual(['1', '3']);
    log.append(record(4));
    expect((await log.flush()).flushed).toBe(true);
    expect(await ids()).toEqual(['1', '3', '4']);
  });

  it('while writes keep failing, the queue holds at most the log’s limit (oldest dropped first) and counts the dropped', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = new EventLogWriter(() => 10);
    failAdds(3);
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 10; i++) log.append(record(batch * 10 + i));
      await log.flush();
    }
    const result = await log.flush();
    expect(result).toMatchObject({ flushed: true, health: { failedBatches: 3, dropped: 20 } });
    expect(await ids()).toEqual(['20', '21', '22', '23', '24', '25', '26', '27', '28', '29']);
  });

  it('an aborted transaction loses nothing: the whole batch is written again, once', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    // The write is taken, then the browser aborts the transaction (as a quota error found at commit does).
    const add = (store: IDBObjectStore, value: unknown): IDBRequest<IDBValidKey> => IDBObjectStore.prototype.add.call(store, value);
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add');
    spy.mockImplementationOnce(function (this: IDBObjectStore, value: unknown) {
      spy.mockRestore();
      const request = add(this, value);
      this.transaction.abort();
      return request;
    });
    const log = new EventLogWriter(() => 1000);
    log.append(record(1));
    log.append(record(2));
    expect((await log.flush()).flushed).toBe(false);
    expect((await log.flush()).flushed).toBe(true);
    expect(await ids()).toEqual(['1', '2']);
  });

  it('a final result that could not be written is written with the next batch', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const before = new EventLogWriter(() => 1000);
    before.append(record(1, 'r1'));
    await before.flush();
    // A background that started since: its first open fails.
    const log = new EventLogWriter(() => 1000);
    failOpens(1);
    log.setFinal('r1', { statusCode: 200 }, 1500);
    expect((await log.flush()).flushed).toBe(false);
    expect((await log.flush()).flushed).toBe(true);
    expect((await readRecentRecords(10))[0]?.final).toEqual({ statusCode: 200 });
  });

  it('writes again by itself after a failure, without another record or flush', async () => {
    vi.useFakeTimers();
    try {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      let written = 0;
      const log = new EventLogWriter(
        () => 1000,
        () => written++,
        10,
      );
      failOpens(1);
      log.append(record(1));
      await vi.advanceTimersByTimeAsync(10);
      expect(written).toBe(0);
      await vi.waitFor(async () => {
        await vi.advanceTimersByTimeAsync(1000);
        expect(written).toBe(1);
      });
    } finally {
      vi.useRealTimers();
    }
    expect(await ids()).toEqual(['1']);
  });
});

describe.each(BROWSER_PATHS)('the log messages after a failed batch, $name', (path) => {
  afterEach(() => vi.restoreAllMocks());

  it('log:flush answers (not throws) that the batch failed, the next one lands, and log:clear still clears', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const world = startFreshBackground(path);
    failAdds(1);
    // Nothing saved: each challenge waits on a prompt and is logged as "prompted".
    void world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'a' }));
    await eventually(async () =>
      expect(await world.send('log:flush', {})).toMatchObject({
        flushed: false,
        health: { failedBatches: 1, dropped: 0, lastError: 'QuotaExceededError' },
      }),
    );
    void world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'b' }));
    await eventually(async () => {
      expect(await world.send('log:flush', {})).toMatchObject({ flushed: true });
      expect((await readRecentRecords(10)).map((r) => r.requestId)).toEqual(['b', 'a']);
    });
    failAdds(1);
    void world.webRequest.onAuthRequired.trigger(challenge({ requestId: 'c' }));
    await eventually(async () => expect(await world.send('log:flush', {})).toMatchObject({ flushed: false }));
    expect(await world.send('log:clear', {})).toEqual({ cleared: true });
    // What waited in memory is gone with the rest: a cleared log does not fill up again by itself.
    expect(await world.send('log:flush', {})).toEqual({ flushed: true });
    expect(await readRecentRecords(10)).toEqual([]);
  });
});
