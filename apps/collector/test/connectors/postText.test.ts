import { describe, expect, it } from 'vitest';
import { nextMidnightIn, scrub } from '../../src/connectors/http';
import { hashtagsOf, titleOf } from '../../src/connectors/postText';

describe('titleOf', () => {
  it.each([
    ['เตือนภัยน้ำท่วม\n\n#อินโฟกราฟิกกทม', 'เตือนภัยน้ำท่วม'],
    ['  spaced title  \nsecond', 'spaced title'],
    ['\n\n  first non-empty line\r\nnext', 'first non-empty line'],
    ['', ''],
    ['   \n  ', ''],
    ['x'.repeat(250), 'x'.repeat(200)],
    // Cut by characters, not UTF-16 units: an emoji is not split in half.
    [`${'a'.repeat(199)}😀😀`, `${'a'.repeat(199)}😀`],
  ])('%j → %j', (text, title) => {
    expect(titleOf(text)).toBe(title);
  });
});

describe('hashtagsOf', () => {
  it.each([
    ['ข่าว\n\n#อินโฟกราฟิกกทม #กรุงเทพมหานคร', ['อินโฟกราฟิกกทม', 'กรุงเทพมหานคร']],
    ['#PM25 วันนี้ #ฝุ่น_PM25, #PM25 again', ['PM25', 'ฝุ่น_PM25']],
    ['no tags here', []],
    ['# lone hash and #', []],
    ['mixed#tag inside and #ท้าย.', ['tag', 'ท้าย']],
    ['#Café #日本語', ['Café', '日本語']],
  ])('%j', (text, tags) => {
    expect(hashtagsOf(text)).toEqual(tags);
  });
});

describe('nextMidnightIn (YouTube quota day)', () => {
  it.each([
    // Standard time: Pacific = UTC-8.
    ['2026-01-15T12:00:00Z', '2026-01-16T08:00:00.000Z'],
    ['2026-01-16T07:59:59Z', '2026-01-16T08:00:00.000Z'],
    // Daylight time: Pacific = UTC-7.
    ['2026-07-01T00:00:00Z', '2026-07-01T07:00:00.000Z'],
    // The day DST starts (2026-03-08) has 23 hours; the next midnight is already UTC-7.
    ['2026-03-08T09:00:00Z', '2026-03-09T07:00:00.000Z'],
    // The day DST ends (2026-11-01) has 25 hours.
    ['2026-11-01T08:00:00Z', '2026-11-02T08:00:00.000Z'],
  ])('%s → %s', (now, next) => {
    expect(new Date(nextMidnightIn('America/Los_Angeles', Date.parse(now))).toISOString()).toBe(
      next,
    );
  });
});

describe('scrub', () => {
  const token = 'EAAGsecretsecretsecret';
  it.each([
    [`token ${token} echoed`, 'token [token] echoed'],
    ['https://graph/x?access_token=abc123&after=Q', 'https://graph/x?access_token=[token]&after=Q'],
    ['key=AIzaSyD-something here', 'key=[token] here'],
    ['Authorization: Bearer abcdefghijk', 'Authorization: Bearer [token]'],
  ])('%j', (text, clean) => {
    expect(scrub(text, token)).toBe(clean);
  });
});
