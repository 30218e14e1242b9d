import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';

/**
 * Cross-post matching (collection `story_title_keys`): one document per project, fiscal year and
 * normalised title (`normaliseTitle`), listing the stories founded under that title. Discovery reads
 * it by `_id` to find the story a cross-post (or a found-again imported post) belongs to.
 */
export const STORY_TITLE_KEYS = 'story_title_keys';

export interface StoryTitleKeyDoc {
  _id: string;
  entries: { storyId: Types.ObjectId; publishedAt: Date }[];
}

export function storyTitleKeyId(
  projectId: Types.ObjectId | string,
  fiscalYear: number,
  titleKey: string,
): string {
  return `${String(projectId)}:${fiscalYear}:${createHash('sha1').update(titleKey).digest('hex')}`;
}
