/**
 * The per-fiscal-year rules that turn posts into KPI stories, written once: which posts count as
 * infographics, which cross-posts are one story, and which platforms' numbers make its reach.
 * Pure functions; the collector applies them on discovery and on every harvest.
 */
import { type StoryReachMode, storyReach } from './kpi';
import type { Platform } from './platforms';

/** Cross-posts of one infographic are published within this window of each other. */
export const CROSS_POST_WINDOW_MS = 72 * 60 * 60 * 1000;

export interface InfographicRuleInput {
  hashtags: readonly string[];
  keywords: readonly string[];
  mediaTypes?: readonly string[];
}

export interface RulePostInput {
  title: string;
  text: string;
  hashtags: readonly string[];
  mediaType: string | null;
}

const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase('th-TH');

/**
 * Hashtags in a text, without `#`, as written, in order of first appearance, each once. Matched
 * with Unicode classes: Thai vowels and tone marks are combining marks (\p{M}), not letters.
 */
export function hashtagsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/#([\p{L}\p{M}\p{N}_]+)/gu)].map((m) => m[1]!))];
}

/**
 * True when the post is an infographic under the rule: a listed hashtag, or a listed keyword in
 * its title or text; and, when the rule names media types, one of those. A rule with neither
 * hashtags nor keywords counts nothing (an editor decides post by post).
 */
export function matchesInfographicRule(post: RulePostInput, rule: InfographicRuleInput): boolean {
  const mediaTypes = rule.mediaTypes ?? [];
  if (mediaTypes.length > 0) {
    if (post.mediaType === null) return false;
    const kind = fold(post.mediaType);
    if (!mediaTypes.some((t) => fold(t) === kind)) return false;
  }
  const tags = new Set([...post.hashtags, ...hashtagsOf(post.text)].map(fold));
  if (rule.hashtags.some((h) => tags.has(fold(h.replace(/^#/, ''))))) return true;
  const haystack = fold(`${post.title}\n${post.text}`);
  return rule.keywords.some((k) => k.trim() !== '' && haystack.includes(fold(k.trim())));
}

/**
 * The key cross-posts are matched on: the title without hashtags, links, punctuation and
 * spacing differences, case-folded. Two posts with the same key within CROSS_POST_WINDOW_MS
 * are one story.
 */
export function normaliseTitle(title: string): string {
  return fold(title)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/#[\p{L}\p{M}\p{N}_]+/gu, ' ')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** True when two publication instants are close enough to be cross-posts of one story. */
export function withinCrossPostWindow(a: Date, b: Date): boolean {
  return Math.abs(a.getTime() - b.getTime()) <= CROSS_POST_WINDOW_MS;
}

/** Whether a platform's numbers count under the year's rule (empty list = every platform). */
export function platformCounts(platform: Platform, countedPlatforms: readonly Platform[]): boolean {
  return countedPlatforms.length === 0 || countedPlatforms.includes(platform);
}

/**
 * An editor's decision that a post counts ('in') or not ('out') whatever the year's counting rule
 * says; null or absent: the rule decides. Kept on the post and mirrored in its story member, so
 * the roll-up honours it from the story document alone, at every harvest.
 */
export const COUNT_OVERRIDES = ['in', 'out'] as const;
export type CountOverride = (typeof COUNT_OVERRIDES)[number];

export interface MemberReach {
  platform: Platform;
  reach: number | null;
  countOverride?: CountOverride | null;
}

/** Whether one member's reach counts toward its story: the editor's override, else the rule. */
export function memberCounts(
  member: Pick<MemberReach, 'platform' | 'countOverride'>,
  countedPlatforms: readonly Platform[],
): boolean {
  if (member.countOverride === 'in') return true;
  if (member.countOverride === 'out') return false;
  return platformCounts(member.platform, countedPlatforms);
}

/** A story's reach: its counted members' latest reach, summed or the best one. */
export function countedStoryReach(
  members: Iterable<MemberReach>,
  countedPlatforms: readonly Platform[],
  mode: StoryReachMode,
): number {
  const reaches: (number | null)[] = [];
  for (const m of members) if (memberCounts(m, countedPlatforms)) reaches.push(m.reach);
  return storyReach(reaches, mode);
}
