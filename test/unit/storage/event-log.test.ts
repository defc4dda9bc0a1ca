import { afterEach, describe, expect, it } from 'vitest';
import { makeLogRecord } from '../../../src/core/log-record';
import { EventLogWriter, clearRecords, countRecords, openLogDb, readRecentRecords } from '../../../src/storage/event-log';
import { makeChallenge } from '../challenge-factory';

const record = (i: number, requestId = String(i)) =>
  makeLogRecord(makeChallenge({ requestId }), { outcome: 'answered-saved', attempt: 1, time: 1000 + i });

describe('EventLogWriter', () => {
  afterEach(() => clearRecords());

  it('writes in batches and reads newest first', async () => {
    let writes = 0;
    const log = new EventLogWriter(
      () => 1000,
      () => writes++,
    );
    for (let i = 0; i < 5; i++) log.append(record(i));
    await log.flush();
    expect(writes).toBe(1);
    const recent = await readRecentRecords(3);
    expect(recent.map((r) => r.requestId)).toEqual(['4', '3', '2']);
  });

  it('keeps at most the limit, dropping the oldest', async () => {
    const log = new EventLogWriter(() => 100);
    for (let i = 0; i < 130; i++) log.append(record(i));
    await log.flush();
    expect(await countRecords()).toBe(100);
    const all = await readRecentRecords(1000);
    expect(all.at(-1)?.requestId).toBe('30');
    expect(all[0]?.requestId).toBe('129');
  });

  it('records the final result on that request’s records only', async () => {
    const log = new EventLogWriter(() => 1000);
    log.append(record(1, 'r1'));
    log.append(record(2, 'r1'));
    log.append(record(3, 'r2'));
    log.setFinal('r1', { statusCode: 200 }, 2000);
    await log.flush();
    log.setFinal('r2', { error: 'net::ERR_PROXY_CONNECTION_FAILED' }, 2001);
    await log.flush();
    const byId = await readRecentRecords(10);
    expect(byId.map((r) => [r.requestId, r.final])).toEqual([
      ['r2', { error: 'net::ERR_PROXY_CONNECTION_FAILED' }],
      ['r1', { statusCode: 200 }],
      ['r1', { statusCode: 200 }],
    ]);
  });

  it('never stores the query string', async () => {
    const log = new EventLogWriter(() => 1000);
    log.append(record(1));
    await log.flush();
    const [r] = await readRecentRecords(1);
    expect(r?.url).toBe('http://origin.test/page');
  });
});

describe('readRecentRecords', () => {
  afterEach(() => clearRecords());

  it('reads the newest records in one range, newest first, also after the oldest were dropped', async () => {
    const log = new EventLogWriter(() => 50);
    for (let i = 0; i < 80; i++) log.append(record(i));
    await log.flush();
    expect((await readRecentRecords(10)).map((r) => r.requestId)).toEqual(['79', '78', '77', '76', '75', '74', '73', '72', '71', '70']);
    const all = await readRecentRecords(1000);
    expect(all).toHaveLength(50);
    expect(all.at(-1)?.requestId).toBe('30');
  });

  it('still returns the newest records when keys have gaps', async () => {
    const log = new EventLogWriter(() => 1000);
    for (let i = 0; i < 5; i++) log.append(record(i));
    await log.flush();
    const db = await openLogDb();
    const keys = await db.getAllKeys('events');
    await db.delete('events', keys[3]!);
    db.close();
    expect((await readRecentRecords(3)).map((r) => r.requestId)).toEqual(['4', '2', '1']);
  });
});
