import { describe, expect, it } from 'vitest';
import {
  countedStoryReach,
  memberCounts,
  hashtagsOf,
  matchesInfographicRule,
  normaliseTitle,
  platformCounts,
  withinCrossPostWindow,
} from './storyRules';

const post = (text: string, mediaType: string | null = 'photo', title = '') => ({
  title,
  text,
  hashtags: [],
  mediaType,
});

describe('hashtagsOf', () => {
  it.each([
    ['ฝนตก #อินโฟกราฟิกกทม #กรุงเทพมหานคร', ['อินโฟกราฟิกกทม', 'กรุงเทพมหานคร']],
    ['no tags here', []],
    ['#ซ้ำ and #ซ้ำ again', ['ซ้ำ']],
    ['#A1_b, #c!', ['A1_b', 'c']],
    ['ท่องเที่ยว #เที่ยวไทย2564.', ['เที่ยวไทย2564']],
  ])('%s', (text, tags) => {
    expect(hashtagsOf(text)).toEqual(tags);
  });
});

describe('matchesInfographicRule', () => {
  const rule = { hashtags: ['อินโฟกราฟิกกทม'], keywords: ['Infographic'], mediaTypes: [] };
  it.each([
    ['the hashtag in the text', post('เตือนภัย #อินโฟกราฟิกกทม'), rule, true],
    [
      'the hashtag written with # in the rule',
      post('x #Info'),
      { ...rule, hashtags: ['#info'] },
      true,
    ],
    ['only the office hashtag', post('ประกาศ #กรุงเทพมหานคร'), rule, false],
    ['a keyword, other case', post('New INFOGRAPHIC on floods'), rule, true],
    ['a keyword in the title only', post('text', 'photo', 'Infographic: PM2.5'), rule, true],
    ['a hashtag that only starts like the rule', post('#อินโฟกราฟิกกทมใหม่'), rule, false],
    ['an empty rule', post('#อินโฟกราฟิกกทม'), { hashtags: [], keywords: [] }, false],
    [
      'a media type the rule does not allow',
      post('#อินโฟกราฟิกกทม', 'video'),
      { ...rule, mediaTypes: ['photo', 'album'] },
      false,
    ],
    [
      'a media type the rule allows, other case',
      post('#อินโฟกราฟิกกทม', 'IMAGE'),
      { ...rule, mediaTypes: ['image'] },
      true,
    ],
    [
      'no media type where the rule names some',
      post('#อินโฟกราฟิกกทม', null),
      { ...rule, mediaTypes: ['photo'] },
      false,
    ],
  ])('%s', (_label, p, r, expected) => {
    expect(matchesInfographicRule(p, r)).toBe(expected);
  });
});

describe('normaliseTitle', () => {
  it.each([
    ['กทม. ห่วงใย เตือนภัยโรคและภัยหน้าฝน #อินโฟกราฟิกกทม', 'กทม ห่วงใย เตือนภัยโรคและภัยหน้าฝน'],
    ['  Flood   Alert!! https://bit.ly/x ', 'flood alert'],
    ['FLOOD alert', 'flood alert'],
    ['#only #tags', ''],
  ])('%j', (title, key) => {
    expect(normaliseTitle(title)).toBe(key);
  });

  it('gives cross-posts of one title the same key', () => {
    expect(normaliseTitle('ข่าวดี! รถไฟฟ้าสายสีเขียว #กรุงเทพมหานคร')).toBe(
      normaliseTitle('ข่าวดี รถไฟฟ้าสายสีเขียว'),
    );
  });
});

describe('withinCrossPostWindow', () => {
  const t = new Date('2021-04-01T00:00:00Z');
  it.each([
    [0, true],
    [72 * 3600_000, true],
    [72 * 3600_000 + 1, false],
    [-72 * 3600_000, true],
    [-73 * 3600_000, false],
  ])('%i ms apart: %s', (delta, expected) => {
    expect(withinCrossPostWindow(t, new Date(t.getTime() + delta))).toBe(expected);
  });
});

describe('countedStoryReach', () => {
  const members = [
    { platform: 'facebook' as const, reach: 2500 },
    { platform: 'instagram' as const, reach: 900 },
    { platform: 'x' as const, reach: null },
  ];
  it.each([
    ['every platform, summed', [], 'sum', 3400],
    ['every platform, best one', [], 'max', 2500],
    ['Facebook only (FY2564)', ['facebook'], 'sum', 2500],
    ['Instagram and X', ['instagram', 'x'], 'sum', 900],
    ['a platform with no member', ['tiktok'], 'sum', 0],
  ] as const)('%s', (_label, platforms, mode, expected) => {
    expect(countedStoryReach(members, platforms, mode)).toBe(expected);
  });

  it.each([
    ['Facebook taken out of the FY2564 count', 'facebook', 'out', ['facebook'], 'sum', 0],
    ['Instagram taken into the FY2564 count', 'instagram', 'in', ['facebook'], 'sum', 3400],
    ['X taken in, best one', 'x', 'in', ['facebook'], 'max', 2500],
    ['override cleared: the rule decides again', 'instagram', null, ['facebook'], 'sum', 2500],
  ] as const)('an editor override: %s', (_label, platform, override, platforms, mode, expected) => {
    const edited = members.map((m) =>
      m.platform === platform ? { ...m, countOverride: override } : m,
    );
    expect(countedStoryReach(edited, platforms, mode)).toBe(expected);
  });

  it('memberCounts: the override wins over the rule, absent means the rule', () => {
    expect(memberCounts({ platform: 'line', countOverride: 'in' }, ['facebook'])).toBe(true);
    expect(memberCounts({ platform: 'facebook', countOverride: 'out' }, ['facebook'])).toBe(false);
    expect(memberCounts({ platform: 'facebook' }, ['facebook'])).toBe(true);
    expect(memberCounts({ platform: 'line', countOverride: null }, ['facebook'])).toBe(false);
  });

  it('platformCounts treats an empty list as every platform', () => {
    expect(platformCounts('line', [])).toBe(true);
    expect(platformCounts('line', ['facebook'])).toBe(false);
  });
});
