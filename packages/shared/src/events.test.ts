import { describe, expect, it } from 'vitest';
import { CHANNELS, type ReachlineEvent, channelOf, decodeEvent, encodeEvent } from './events';

const storyChanged: ReachlineEvent = {
  type: 'story-changed',
  storyId: '64f0c0ffee64f0c0ffee64f0',
  fiscalYear: 2564,
  monthKey: '2021-06',
  reach: 3012,
  passed: true,
  crossedThreshold: true,
  at: '2021-06-01T03:15:00.000Z',
};
const accountStatus: ReachlineEvent = {
  type: 'account-status-changed',
  accountId: '64f0c0ffee64f0c0ffee64f1',
  platform: 'facebook',
  tokenStatus: 'expired',
  at: '2021-06-01T03:15:00.000Z',
};
const dashboardChanged: ReachlineEvent = {
  type: 'dashboard-changed',
  storyIds: ['64f0c0ffee64f0c0ffee64f3'],
  by: 'dashboard-1234',
  at: '2021-06-01T03:15:00.000Z',
};
const runFinished: ReachlineEvent = {
  type: 'harvest-run-finished',
  runId: '64f0c0ffee64f0c0ffee64f2',
  platform: 'x',
  status: 'partial',
  postsAnswered: 97,
  at: '2021-06-01T03:15:00.000Z',
};

describe('events', () => {
  it('the story channel is reachline:story-changed', () => {
    expect(channelOf(storyChanged)).toBe('reachline:story-changed');
  });

  it.each([
    [storyChanged, CHANNELS.storyChanged],
    [accountStatus, CHANNELS.accountStatusChanged],
    [runFinished, CHANNELS.harvestRunFinished],
    [dashboardChanged, CHANNELS.dashboardChanged],
  ])('%o round-trips on %s', (event, channel) => {
    expect(channelOf(event)).toBe(channel);
    expect(decodeEvent(channel, encodeEvent(event))).toEqual(event);
  });

  it.each([
    ['not JSON', CHANNELS.storyChanged, '{'],
    ['the wrong channel', CHANNELS.accountStatusChanged, JSON.stringify(storyChanged)],
    ['an unknown type', CHANNELS.storyChanged, JSON.stringify({ ...storyChanged, type: 'x' })],
    ['a bad story id', CHANNELS.storyChanged, JSON.stringify({ ...storyChanged, storyId: '1' })],
    ['a negative reach', CHANNELS.storyChanged, JSON.stringify({ ...storyChanged, reach: -1 })],
    ['a non-ISO time', CHANNELS.storyChanged, JSON.stringify({ ...storyChanged, at: 'yesterday' })],
    [
      'an unknown platform',
      CHANNELS.accountStatusChanged,
      JSON.stringify({ ...accountStatus, platform: 'orkut' }),
    ],
  ])('decodeEvent returns null for %s', (_label, channel, message) => {
    expect(decodeEvent(channel, message)).toBeNull();
  });

  it('encodeEvent refuses to publish an invalid event', () => {
    expect(() => encodeEvent({ ...storyChanged, fiscalYear: 2021 })).toThrow();
  });
});
