/**
 * Title and hashtags of a post from its text, the same way on every platform. Hashtags are
 * matched with Unicode classes because the office writes Thai ones (`#อินโฟกราฟิกกทม`), whose
 * vowels and tone marks are combining marks (\p{M}), not letters.
 */

const TITLE_MAX = 200;
const HASHTAG = /#([\p{L}\p{M}\p{N}_]+)/gu;

/** First non-empty line of the text, trimmed, at most 200 characters ('' when there is none). */
export function titleOf(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return [...line.trim()].slice(0, TITLE_MAX).join('');
}

/** Hashtags without `#`, as written, in order of first appearance, each once. */
export function hashtagsOf(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) if (m[1] !== undefined) seen.add(m[1]);
  return [...seen];
}
