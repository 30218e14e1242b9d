import type { ReachlineEvent } from '@reachline/shared';
import { describe, expect, it } from 'vitest';
import { liveMessageOf, sseComment, sseFrame } from './events';
import type { StoryRow } from './readModel';

const row: StoryRow = {
  id: 'a'.repeat(24),
  projectId: 'b'.repeat(24),
  title: 'กทม. ชวนเที่ยว\nสองบรรทัด',
  search: '',
  publishedAt: new Date('2021-05-03T03:00:00Z'),
  monthKey: '2021-05',
  fiscalYear: 2564,
  quarter: 3,
  platforms: ['facebook'],
  reach: 3120,
  reachMode: 'sum',
  threshold: 3000,
  passed: true,
  crossedThresholdAt: new Date('2021-05-04T03:00:00Z'),
  members: [],
  updatedAt: new Date('2021-05-04T03:00:00Z'),
};

const storyEvent: ReachlineEvent = {
  type: 'story-changed',
  storyId: 'a'.repeat(24),
  fiscalYear: 2564,
  monthKey: '2021-05',
  reach: 3120,
  passed: true,
  crossedThreshold: true,
  at: '2021-05-04T03:00:00.000Z',
};

describe('liveMessageOf', () => {
  it("relays a story change with the row's project, year, month, reach and pass", () => {
    expect(liveMessageOf(storyEvent, row)).toEqual({
      event: 'story-changed',
      data: {
        id: row.id,
        projectId: row.projectId,
        fiscalYear: 2564,
        monthKey: '2021-05',
        reach: 3120,
        passed: true,
      },
    });
  });

  it("does not relay a story this deployment's store does not have", () => {
    expect(liveMessageOf(storyEvent, null)).toBeNull();
  });

  it('relays account and harvest events', () => {
    expect(
      liveMessageOf(
        {
          type: 'account-status-changed',
          accountId: 'c'.repeat(24),
          platform: 'x',
          tokenStatus: 'expired',
          at: '2021-05-04T03:00:00.000Z',
        },
        null,
      ),
    ).toEqual({
      event: 'account-changed',
      data: { accountId: 'c'.repeat(24), platform: 'x', tokenStatus: 'expired' },
    });
    expect(
      liveMessageOf(
        {
          type: 'harvest-run-finished',
          runId: 'd'.repeat(24),
          platform: 'youtube',
          status: 'failed',
          postsAnswered: 0,
          at: '2021-05-04T03:00:00.000Z',
        },
        null,
      )?.event,
    ).toBe('harvest-finished');
  });
});

describe('SSE frames', () => {
  it('writes one event and one data line, ended by a blank line', () => {
    const frame = sseFrame(liveMessageOf(storyEvent, row)!);
    const lines = frame.split('\n');
    expect(lines[0]).toBe('event: story-changed');
    expect(lines[1]?.startsWith('data: {')).toBe(true);
    expect(lines.slice(2)).toEqual(['', '']);
    expect(JSON.parse(lines[1]!.slice(6))).toMatchObject({ reach: 3120 });
  });

  it('keeps a comment on one line', () => {
    expect(sseComment('a\nb')).toBe(': a b\n\n');
  });
});
