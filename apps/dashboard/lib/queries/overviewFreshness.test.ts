import { describe, expect, it } from 'vitest';
import { describeFreshness } from './overviewFreshness';

const now = new Date('2026-03-01T05:00:00Z');
const min = 60_000;
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('describeFreshness', () => {
  it('reads "harvested 4 min ago, next in 11 min" on the wall clock', () => {
    const f = describeFreshness({
      now,
      figuresUpdatedAt: ago(4 * min),
      lastRunAt: null,
      nextDueAt: new Date(now.getTime() + 11 * min),
      scheduleKnown: true,
    });
    expect(f.harvested).toMatchObject({ kind: 'ago', ms: 4 * min });
    expect(f.next).toMatchObject({ kind: 'in', ms: 11 * min });
  });

  it('takes the later of the figures and the last harvest run', () => {
    const f = describeFreshness({
      now,
      figuresUpdatedAt: ago(30 * min),
      lastRunAt: ago(2 * min),
      nextDueAt: null,
      scheduleKnown: true,
    });
    expect(f.harvested).toMatchObject({ kind: 'ago', ms: 2 * min });
    expect(f.next).toEqual({ kind: 'notScheduled' });
  });

  it('says an overdue harvest is due now, not "in -3 min"', () => {
    const f = describeFreshness({
      now,
      figuresUpdatedAt: ago(20 * min),
      lastRunAt: null,
      nextDueAt: ago(3 * min),
      scheduleKnown: true,
    });
    expect(f.next).toEqual({ kind: 'dueNow' });
  });

  it("on a simulator's clock years away, measures the next harvest from the last one", () => {
    const simLast = new Date('2021-06-30T05:00:00Z');
    const f = describeFreshness({
      now,
      figuresUpdatedAt: simLast,
      lastRunAt: null,
      nextDueAt: new Date(simLast.getTime() + 15 * min),
      scheduleKnown: true,
    });
    expect(f.harvested).toEqual({ kind: 'at', at: simLast });
    expect(f.next).toMatchObject({ kind: 'afterLast', ms: 15 * min });
  });

  it('says when the schedule is unknown (no Redis) or nothing was ever harvested', () => {
    const f = describeFreshness({
      now,
      figuresUpdatedAt: null,
      lastRunAt: null,
      nextDueAt: null,
      scheduleKnown: false,
    });
    expect(f).toEqual({ harvested: { kind: 'never' }, next: { kind: 'unknown' } });
  });
});
