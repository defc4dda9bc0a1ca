import { describe, expect, it } from 'vitest';
import { makeLogRecord } from '../../../src/core/log-record';
import { makeChallenge } from '../challenge-factory';

const BASE_KEYS = ['time', 'requestId', 'proxy', 'scheme', 'realm', 'url', 'method', 'type', 'tabId', 'attempt', 'outcome'];

describe('makeLogRecord', () => {
  it('records the challenge without its query or fragment, and no optional field that was not given', () => {
    const record = makeLogRecord(makeChallenge(), { outcome: 'answered-saved', attempt: 1, time: 5 });
    expect(record).toStrictEqual({
      time: 5,
      requestId: '1',
      proxy: 'proxy.example:3128',
      scheme: 'basic',
      realm: 'Office',
      url: 'http://origin.test/page',
      method: 'GET',
      type: 'main_frame',
      tabId: 7,
      attempt: 1,
      outcome: 'answered-saved',
    });
    expect(Object.keys(record)).toEqual(BASE_KEYS);
  });

  it('adds the optional fields given, after the others, even when zero or empty', () => {
    const record = makeLogRecord(makeChallenge(), {
      outcome: 'prompted',
      attempt: 2,
      time: 6,
      answerMs: 0,
      username: '',
      afterRejection: true,
      urlDetail: 'origin',
    });
    expect(Object.keys(record)).toEqual([...BASE_KEYS, 'answerMs', 'username', 'afterRejection']);
    expect(record).toMatchObject({ url: 'http://origin.test', answerMs: 0, username: '', afterRejection: true });
  });

  it('leaves out an optional field given as undefined, as if it was not given', () => {
    const fields = { outcome: 'answered-saved', attempt: 1, time: 5 } as const;
    const given = makeLogRecord(makeChallenge(), { ...fields, answerMs: undefined, username: undefined, afterRejection: undefined });
    expect(given).toStrictEqual(makeLogRecord(makeChallenge(), fields));
  });
});
