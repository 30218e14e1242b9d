/**
 * Golden tests against the FY2564 seed page. The expected texts are the page's own bytes, sliced
 * out of the seed file into `data/fy2564/entry-texts.json` (never produced by the code here).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FY2564_DIR, loadFy2564, type SeedPost } from '../data/fy2564';
import {
  ENTRY_SEPARATOR_LINE,
  formatItems,
  formatMonthlyEntry,
  formatReach,
  formatStatusText,
  storiesOfMonth,
  type MonthlyEntryStory,
} from './monthlyEntry';
import {
  DEFAULT_ENTRY_TEMPLATE,
  TemplateError,
  validateTemplate,
  type EntryTemplate,
} from './template';

const golden = JSON.parse(readFileSync(resolve(FY2564_DIR, 'entry-texts.json'), 'utf8')) as {
  sourceSha256: string;
  entries: Record<string, string>;
};
const seedText = (n: number): string => {
  const text = golden.entries[String(n)];
  if (text === undefined) throw new Error(`entry-texts.json has no entry ${n}`);
  return text;
};

const { posts, entries } = loadFy2564();
const entryOf = (n: number) => {
  const e = entries.find((x) => x.entry === n);
  if (!e) throw new Error(`entries.json has no entry ${n}`);
  return e;
};

/** Every seed story of the year, in a scrambled order (so ordering by publish time matters). */
const allStories: MonthlyEntryStory[] = posts
  .map((p, i) => ({ p, key: (i * 7919) % 101 }))
  .sort((a, b) => a.key - b.key)
  .map(({ p }) => ({ title: p.title, publishedAt: p.publishedAt, reach: p.reach }));

function generate(n: number, template?: EntryTemplate, unit?: string): string {
  const e = entryOf(n);
  return formatMonthlyEntry({
    entryNumber: n,
    reportDate: e.reportDate,
    progressPercent: e.progressPercent,
    stories: allStories,
    problems: e.problems,
    obstacles: e.obstacles,
    settings: { ...(template ? { template } : {}), ...(unit ? { unit } : {}) },
  });
}

// The seed's other phrasings, copied from the page (entries 3 and 9), with {month} {year} {count}
// {items} in place of the month's values.
const PATTERN_B_WITH_PREFIX: EntryTemplate = {
  ...DEFAULT_ENTRY_TEMPLATE,
  status:
    'อยู่ระหว่างขั้นตอน...มีการเผยแพร่อินโฟกราฟฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ไปในเดือน{month} {year} ไปแล้ว จำนวน {count} ครั้ง ดังนี้ {items}',
};
const PATTERN_E: EntryTemplate = {
  ...DEFAULT_ENTRY_TEMPLATE,
  status:
    'ดำเนินการเผยแพร่อินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ ในเดือน{month} {year} ไปแล้ว ดังนี้ {items}',
};

describe('the golden fixture', () => {
  it('holds the eleven entry blocks of the seed page', () => {
    expect(golden.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(golden.entries)).toHaveLength(11);
    for (const text of Object.values(golden.entries)) {
      expect(text.endsWith(ENTRY_SEPARATOR_LINE)).toBe(true);
    }
  });
});

describe('formatMonthlyEntry reproduces the seed byte for byte', () => {
  it('entry (5), April 2021, report date 2021-04-29, with the default template', () => {
    const e = entryOf(5);
    expect(e.reportDate).toBe('2021-04-29');
    expect(generate(5)).toBe(seedText(5));
  });

  it('entry (3), June 2021, with the "อยู่ระหว่างขั้นตอน..." prefixed phrasing as the template', () => {
    expect(generate(3, PATTERN_B_WITH_PREFIX)).toBe(seedText(3));
  });

  it('entry (9), December 2020, with the "ดำเนินการเผยแพร่..." phrasing as the template', () => {
    expect(generate(9, PATTERN_E)).toBe(seedText(9));
  });

  it('entries (1) and (2), months without posts, get the "being summarised" phrasing', () => {
    expect(generate(1)).toBe(seedText(1));
    expect(generate(2)).toBe(seedText(2));
  });
});

describe('entries the generator cannot write exactly, and precisely how they differ', () => {
  it('entry (4): only the date prefix differs (the page writes "30/05/2021 ", CE year, no " : ")', () => {
    const generated = generate(4);
    expect(generated).not.toBe(seedText(4));
    expect(generated.replace('\n30/05/2564 : ', '\n30/05/2021 ')).toBe(seedText(4));
  });

  it('entry (10): with a no-count template only the unit of items 3 and 4 differs (ราย, not คน)', () => {
    const noCount: EntryTemplate = {
      ...DEFAULT_ENTRY_TEMPLATE,
      status:
        'มีการเผยแพร่อินโฟกราฟฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ไปในเดือน{month} {year} ไปแล้ว ดังนี้ {items}',
    };
    const generated = generate(10, noCount);
    expect(generated).not.toBe(seedText(10));
    let expected = seedText(10);
    for (const reach of ['3,289', '19,971']) {
      expect(expected).toContain(` ${reach} ราย `);
      expected = expected.replace(` ${reach} ราย `, ` ${reach} คน `);
    }
    expect(generated).toBe(expected);
  });
});

/** Where a month's item list starts and ends inside the seed's status line. */
function seedItemList(n: number): string {
  const statusLine = seedText(n).split('\n\n')[2] ?? '';
  const at = statusLine.indexOf('ดังนี้ ');
  expect(at).toBeGreaterThan(0);
  return statusLine.slice(at + 'ดังนี้ '.length);
}

describe('the item list of each of the nine months with posts equals the seed', () => {
  const months = [...new Set(posts.map((p) => p.month))].sort();

  it('covers nine months', () => {
    expect(months).toHaveLength(9);
  });

  for (const month of months) {
    const seedPosts: SeedPost[] = posts.filter((p) => p.month === month);
    const n = seedPosts[0]!.entry;

    it(`${month} (entry ${n}): order, titles and reach as the page writes them`, () => {
      const list = seedItemList(n);
      // The seed's own items, in the page's order: each `{index}[.] {title} {label} {reach}` is
      // found in the page's bytes after the previous one (reach written with the page's commas).
      let from = 0;
      const expected = seedPosts.map((p) => {
        const written = new Intl.NumberFormat('en-US').format(p.reach);
        const index = p.index.includes('.') ? p.index : `${p.index}.`;
        const item = `${index} ${p.title} ${p.reachLabel} ${written} ${p.unit}`;
        const at = list.indexOf(item, from);
        expect(at, `seed item ${item}`).toBeGreaterThanOrEqual(from);
        from = at + item.length;
        return `${index}|${p.title}|${written}`;
      });
      expect(from).toBe(list.length);

      const itemTemplate = n === 11 ? '2.{index}|{title}|{reach}' : '{index}.|{title}|{reach}';
      const generated = formatItems(storiesOfMonth(allStories, month), {
        template: { ...DEFAULT_ENTRY_TEMPLATE, item: itemTemplate, itemSeparator: '\n' },
      }).split('\n');
      expect(generated).toEqual(expected);
    });
  }

  // Months whose items share one label and one unit: the whole list, byte for byte.
  const uniform: [number, string][] = [
    [3, 'คน'],
    [4, 'คน'],
    [5, 'คน'],
    [6, 'ราย'],
    [9, 'คน'],
  ];
  for (const [n, unit] of uniform) {
    it(`entry ${n}: the whole item list with the default item template and unit ${unit}`, () => {
      const month = entryOf(n).reportDate.slice(0, 7);
      expect(formatItems(storiesOfMonth(allStories, month), { unit })).toBe(seedItemList(n));
    });
  }
});

describe('month, order and formatting', () => {
  const at = (iso: string) => new Date(iso);

  it('takes the stories published in the month in Asia/Bangkok, ordered by publish time', () => {
    const stories: MonthlyEntryStory[] = [
      { title: 'C', publishedAt: at('2021-04-20T03:00:00Z'), reach: 3 },
      { title: 'May in Bangkok', publishedAt: at('2021-04-30T17:30:00Z'), reach: 9 },
      { title: 'A', publishedAt: at('2021-03-31T17:30:00Z'), reach: 1234567 },
      { title: 'March in Bangkok', publishedAt: at('2021-03-31T16:59:59Z'), reach: 9 },
      { title: 'B', publishedAt: at('2021-04-02T03:00:00Z'), reach: 1000 },
    ];
    expect(storiesOfMonth(stories, '2021-04').map((s) => s.title)).toEqual(['A', 'B', 'C']);
    expect(formatStatusText('2021-04', stories)).toBe(
      'มีการเผยแพร่อินโฟกราฟฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ไปในเดือนเมษายน 2564 ไปแล้ว จำนวน 3 ครั้ง ดังนี้ 1. A ยอดการเข้าถึง 1,234,567 คน 2. B ยอดการเข้าถึง 1,000 คน 3. C ยอดการเข้าถึง 3 คน',
    );
  });

  it('uses the unit and reach label settings', () => {
    const stories = [{ title: 'T', publishedAt: at('2021-01-05T03:00:00Z'), reach: 2500 }];
    expect(formatItems(stories, { unit: 'ราย', reachLabel: 'ยอดผู้เข้าชม' })).toBe(
      '1. T ยอดผู้เข้าชม 2,500 ราย',
    );
  });

  it('writes reach with thousands separators', () => {
    expect(formatReach(0)).toBe('0');
    expect(formatReach(999)).toBe('999');
    expect(formatReach(1910)).toBe('1,910');
    expect(formatReach(64630)).toBe('64,630');
    expect(formatReach(1234567)).toBe('1,234,567');
    expect(() => formatReach(-1)).toThrow(RangeError);
    expect(() => formatReach(1.5)).toThrow(RangeError);
  });

  it('writes the percentage with two decimals and the date as DD/MM/BBBB', () => {
    const text = formatMonthlyEntry({
      entryNumber: 12,
      reportDate: '2021-09-03',
      progressPercent: 99.5,
      stories: [],
      problems: 'ไม่มี',
      obstacles: 'ไม่มี',
    });
    expect(text.split('\n\n').slice(0, 3)).toEqual([
      '(12) ความคืบหน้าโครงการฯ ร้อยละ 99.50 (2021-09-03)',
      '99.50',
      '03/09/2564 : อยู่ระหว่างขั้นตอนสรุปผลการดำเนินงานประจำเดือนกันยายน 2564',
    ]);
  });

  it('refuses a bad report date, progress or entry number', () => {
    const base = {
      entryNumber: 1,
      reportDate: '2021-04-29',
      progressPercent: 50,
      stories: [],
      problems: '',
      obstacles: '',
    };
    expect(() => formatMonthlyEntry({ ...base, reportDate: '2021-02-30' })).toThrow(RangeError);
    expect(() => formatMonthlyEntry({ ...base, reportDate: '29/04/2564' })).toThrow(RangeError);
    expect(() => formatMonthlyEntry({ ...base, progressPercent: 101 })).toThrow(RangeError);
    expect(() => formatMonthlyEntry({ ...base, entryNumber: 0 })).toThrow(RangeError);
  });
});

describe('templates', () => {
  it('accepts the default template', () => {
    expect(validateTemplate(DEFAULT_ENTRY_TEMPLATE)).toBeNull();
  });

  it('refuses an unknown placeholder with one sentence naming it and the allowed ones', () => {
    expect(validateTemplate({ ...DEFAULT_ENTRY_TEMPLATE, status: 'เดือน{monht} {items}' })).toBe(
      'The status template has an unknown placeholder {monht}; allowed: {month}, {year}, {count}, {items}.',
    );
    // {count} belongs to the status text, not to an item.
    expect(validateTemplate({ ...DEFAULT_ENTRY_TEMPLATE, item: '{index}. {count}' })).toBe(
      'The item template has an unknown placeholder {count}; allowed: {index}, {title}, {reachLabel}, {reach}, {unit}.',
    );
    expect(validateTemplate({ ...DEFAULT_ENTRY_TEMPLATE, noPosts: '{items}' })).toMatch(
      /^The noPosts template has an unknown placeholder \{items\}/,
    );
  });

  it('refuses unbalanced braces and accepts {{ }} as literal braces', () => {
    expect(validateTemplate({ ...DEFAULT_ENTRY_TEMPLATE, status: 'เดือน{month' })).toMatch(
      /no closing "}"/,
    );
    expect(validateTemplate({ ...DEFAULT_ENTRY_TEMPLATE, status: 'เดือน}' })).toMatch(
      /no opening "{"/,
    );
    const template = { ...DEFAULT_ENTRY_TEMPLATE, noPosts: '{{{month}}} {year}' };
    expect(validateTemplate(template)).toBeNull();
    expect(formatStatusText('2021-08', [], { template })).toBe('{สิงหาคม} 2564');
  });

  it('the generator throws a TemplateError for a template with an unknown placeholder', () => {
    const template = { ...DEFAULT_ENTRY_TEMPLATE, status: '{month} {total}' };
    expect(() => generate(5, template)).toThrow(TemplateError);
    expect(() => generate(5, template)).toThrow('unknown placeholder {total}');
  });
});
