/** Each area's messages in both languages; English must have exactly the Thai keys. */
export function defineMessages<const T extends Record<string, string>>(messages: {
  th: T;
  en: Record<keyof T, string>;
}): { th: T; en: Record<keyof T, string> } {
  return messages;
}
