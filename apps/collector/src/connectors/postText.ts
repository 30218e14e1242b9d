/**
 * Title and hashtags of a post from its text, the same way on every platform (hashtags by the
 * domain's own `hashtagsOf`, which the infographic rule uses too).
 */
export { hashtagsOf } from '@reachline/shared';

const TITLE_MAX = 200;

/** First non-empty line of the text, trimmed, at most 200 characters ('' when there is none). */
export function titleOf(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return [...line.trim()].slice(0, TITLE_MAX).join('');
}
