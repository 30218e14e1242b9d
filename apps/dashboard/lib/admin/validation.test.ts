import { describe, expect, it } from 'vitest';
import {
  parseFiscalYear,
  parseJobRef,
  parseNewAccount,
  parseNewProject,
  parseNewUser,
  parseRoleChange,
  parseYearSettings,
  splitList,
} from './validation';

const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
};

const goodYear = {
  projectSlug: 'infographics',
  fiscalYear: '2565',
  threshold: '3000',
  targetStories: '50',
  targetPercent: '90',
  storyReach: 'sum',
  hashtags: '#อินโฟกราฟิกกทม, bangkok\n#bkk',
  keywords: '',
  mediaTypes: 'photo',
  reportTemplate: 'เดือน{month} {year} จำนวน {count} ครั้ง {items}',
};

describe('admin form validation', () => {
  it('accepts a new user, lower-casing the email', () => {
    const parsed = parseNewUser(
      form({ email: ' Ann@City.go.th ', displayName: 'Ann', role: 'editor', password: 'x' }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: { email: 'ann@city.go.th', displayName: 'Ann', role: 'editor', password: 'x' },
    });
  });

  it.each([
    [{ email: 'not-an-email', displayName: 'A', role: 'viewer' }, 'adminErrEmail'],
    [{ email: 'a@b.co', displayName: '  ', role: 'viewer' }, 'adminErrDisplayName'],
    [{ email: 'a@b.co', displayName: 'A', role: 'owner' }, 'adminErrRole'],
    [{ email: 'a@b.co', displayName: 'x'.repeat(201), role: 'viewer' }, 'adminErrDisplayName'],
  ])('refuses the user %o with %s', (fields, key) => {
    const parsed = parseNewUser(form({ ...fields, password: 'long enough password' }));
    expect(parsed.ok ? null : parsed.problem.key).toBe(key);
  });

  it('refuses a role change with a malformed user id', () => {
    const parsed = parseRoleChange(form({ userId: '{"$ne":null}', role: 'admin' }));
    expect(parsed.ok ? null : parsed.problem.key).toBe('adminErrUser');
  });

  it.each([
    [{ platform: 'myspace' }, 'adminErrPlatform'],
    [{ externalId: 'page 1' }, 'adminErrAccountId'],
    [{ displayName: '' }, 'adminErrAccountName'],
    [{ token: 'short' }, 'adminErrToken'],
    [{ token: 'has a space in it' }, 'adminErrToken'],
  ])('refuses the account field %o with %s', (bad, key) => {
    const parsed = parseNewAccount(
      form({
        platform: 'facebook',
        externalId: '1001',
        displayName: 'BKK',
        token: 'EAAB12345',
        ...bad,
      }),
    );
    expect(parsed.ok ? null : parsed.problem.key).toBe(key);
  });

  it.each([
    [{ slug: 'Video Clips' }, 'adminErrSlug'],
    [{ slug: '-clips' }, 'adminErrSlug'],
    [{ name: '' }, 'adminErrProjectName'],
    [{ order: '1.5' }, 'adminErrOrder'],
    [{ order: '5000' }, 'adminErrOrder'],
  ])('refuses the project field %o with %s', (bad, key) => {
    const parsed = parseNewProject(
      form({ slug: 'clips', name: 'คลิป', nameEn: 'Clips', order: '1', ...bad }),
    );
    expect(parsed.ok ? null : parsed.problem.key).toBe(key);
  });

  it('reads a year of settings: lists split, hashes stripped, platforms de-duplicated', () => {
    const parsed = parseYearSettings(
      form({ ...goodYear, countedPlatforms: ['facebook', 'x', 'x'] }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        projectSlug: 'infographics',
        fiscalYear: 2565,
        threshold: 3000,
        targetStories: 50,
        targetPercent: 90,
        storyReach: 'sum',
        countedPlatforms: ['facebook', 'x'],
        infographicRule: {
          hashtags: ['อินโฟกราฟิกกทม', 'bangkok', 'bkk'],
          keywords: [],
          mediaTypes: ['photo'],
        },
        reportTemplate: goodYear.reportTemplate,
        reportItemTemplate: '',
        reportNoPostsTemplate: '',
        reportUnit: 'คน',
        reportReachLabel: 'ยอดการเข้าถึง',
      },
    });
  });

  it.each([
    [{ threshold: '0' }, 'adminErrThreshold'],
    [{ threshold: '3,000' }, 'adminErrThreshold'],
    [{ targetStories: '-1' }, 'adminErrTargetStories'],
    [{ targetPercent: '101' }, 'adminErrTargetPercent'],
    [{ targetPercent: 'ninety' }, 'adminErrTargetPercent'],
    [{ fiscalYear: '2021' }, 'adminErrFiscalYear'],
    [{ storyReach: 'avg' }, 'adminErrStoryReach'],
    [{ countedPlatforms: ['facebook', 'myspace'] }, 'adminErrCountedPlatforms'],
    [{ keywords: 'x'.repeat(101) }, 'adminErrRuleList'],
    [{ reportTemplate: 'x'.repeat(5001) }, 'adminErrTemplateLong'],
    [{ reportItemTemplate: '{index}. {title} {views}' }, 'adminErrTemplate'],
    [{ reportNoPostsTemplate: 'เดือน{month} {count}' }, 'adminErrTemplate'],
    [{ reportUnit: 'x'.repeat(21) }, 'adminErrReportWords'],
  ])('refuses the settings field %o with %s', (bad, key) => {
    const parsed = parseYearSettings(form({ ...goodYear, ...bad }));
    expect(parsed.ok ? null : parsed.problem.key).toBe(key);
  });

  it('refuses a template with an unknown placeholder, naming it', () => {
    const parsed = parseYearSettings(form({ ...goodYear, reportTemplate: 'เดือน{monht} {items}' }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.key).toBe('adminErrTemplate');
    expect(String(parsed.problem.vars?.problem)).toContain('{monht}');
  });

  it('takes an empty template as the default', () => {
    const parsed = parseYearSettings(form({ ...goodYear, reportTemplate: '  ' }));
    expect(parsed.ok && parsed.value.reportTemplate).toBe('');
  });

  it.each([
    ['2564', 2564],
    [' 2570 ', 2570],
    ['2021', null],
    ['25641', null],
    ['', null],
    [null, null],
  ])('reads the fiscal year %o as %o', (raw, year) => {
    expect(parseFiscalYear(raw)).toBe(year);
  });

  it('splits lists on commas and new lines', () => {
    expect(splitList('a, b\r\nc,,a\n', false)).toEqual(['a', 'b', 'c']);
    expect(splitList('##tag, #other', true)).toEqual(['tag', 'other']);
  });

  it('accepts only job references of the two queues', () => {
    expect(parseJobRef(form({ queue: 'harvest', jobId: 'harvest-abc-1-ff' })).ok).toBe(true);
    expect(parseJobRef(form({ queue: 'reports', jobId: 'x' })).ok).toBe(false);
    expect(parseJobRef(form({ queue: 'harvest', jobId: '../../etc' })).ok).toBe(false);
  });
});
