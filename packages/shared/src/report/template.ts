/**
 * Templates of the monthly progress entry's status text. A template is data, not code.
 *
 * Placeholder syntax
 * ------------------
 * - `{name}` is replaced by the value called `name`; names are letters only and case-sensitive.
 * - `{{` writes a literal `{` and `}}` writes a literal `}`. Any other `{` or `}` is an error.
 * - Everything else is copied byte for byte (Thai text, spaces, `...`, digits).
 *
 * Each template text allows its own placeholders; any other name is refused (TemplateError):
 *
 * | text       | used for                          | placeholders                                          |
 * |------------|-----------------------------------|-------------------------------------------------------|
 * | `status`   | a month with published stories    | `{month}` Thai month name (เมษายน), `{year}` Buddhist-Era year (2564), `{count}` number of stories, `{items}` the item list |
 * | `item`     | one story inside `{items}`        | `{index}` 1, 2, … in publish order, `{title}`, `{reachLabel}` (ยอดการเข้าถึง), `{reach}` with thousands separators (6,712), `{unit}` (คน / ราย) |
 * | `noPosts`  | a month without stories           | `{month}`, `{year}`                                   |
 *
 * `itemSeparator` (plain text, no placeholders) joins the items; the seed uses one space.
 *
 * The default is the seed's most common phrasing (pattern B of the FY2564 page, entries 4, 5, 6):
 *   status  `มีการเผยแพร่อินโฟกราฟฟิก…ไปในเดือน{month} {year} ไปแล้ว จำนวน {count} ครั้ง ดังนี้ {items}`
 *   item    `{index}. {title} {reachLabel} {reach} {unit}`
 *   noPosts `อยู่ระหว่างขั้นตอนสรุปผลการดำเนินงานประจำเดือน{month} {year}` (pattern A, entries 1, 2)
 *
 * Pure (no node: imports): safe in the browser.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The three template texts of a monthly entry's status line and the text between items. */
export interface EntryTemplate {
  status: string;
  item: string;
  itemSeparator: string;
  noPosts: string;
}

export type TemplatePart = 'status' | 'item' | 'noPosts';

export const TEMPLATE_PLACEHOLDERS: Readonly<Record<TemplatePart, readonly string[]>> = {
  status: ['month', 'year', 'count', 'items'],
  item: ['index', 'title', 'reachLabel', 'reach', 'unit'],
  noPosts: ['month', 'year'],
};

/** Pattern B, the seed's most common phrasing (entries 4, 5, 6; with a prefix in entry 3). */
export const DEFAULT_STATUS_TEMPLATE =
  'มีการเผยแพร่อินโฟกราฟฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ไปในเดือน{month} {year} ไปแล้ว จำนวน {count} ครั้ง ดังนี้ {items}';

export const DEFAULT_ITEM_TEMPLATE = '{index}. {title} {reachLabel} {reach} {unit}';

/** Pattern A: the month is still being summarised (entries 1 and 2, months without posts). */
export const DEFAULT_NO_POSTS_TEMPLATE = 'อยู่ระหว่างขั้นตอนสรุปผลการดำเนินงานประจำเดือน{month} {year}';

export const DEFAULT_ENTRY_TEMPLATE: Readonly<EntryTemplate> = Object.freeze({
  status: DEFAULT_STATUS_TEMPLATE,
  item: DEFAULT_ITEM_TEMPLATE,
  itemSeparator: ' ',
  noPosts: DEFAULT_NO_POSTS_TEMPLATE,
});

type Segment = { literal: string } | { name: string };

/** Split a template text into literals and placeholders; the problem as a sentence, or segments. */
function parse(text: string, part: TemplatePart): Segment[] | string {
  const allowed = TEMPLATE_PLACEHOLDERS[part];
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{' && text[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && text[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      const close = text.indexOf('}', i + 1);
      if (close < 0) {
        return `The ${part} template has a "{" at position ${i} with no closing "}" (write "{{" for a literal brace).`;
      }
      const name = text.slice(i + 1, close);
      if (!allowed.includes(name)) {
        return `The ${part} template has an unknown placeholder {${name}}; allowed: ${allowed.map((n) => `{${n}}`).join(', ')}.`;
      }
      if (literal) segments.push({ literal });
      literal = '';
      segments.push({ name });
      i = close + 1;
    } else if (ch === '}') {
      return `The ${part} template has a "}" at position ${i} with no opening "{" (write "}}" for a literal brace).`;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal) segments.push({ literal });
  return segments;
}

/** The first problem of one template text as a one-sentence message, or null when it is valid. */
export function validateTemplateText(text: string, part: TemplatePart): string | null {
  const parsed = parse(text, part);
  return typeof parsed === 'string' ? parsed : null;
}

/**
 * The first problem of an entry template as a one-sentence message, or null when it is valid.
 * `assertValidTemplate` throws the same message as a TemplateError.
 */
export function validateTemplate(template: EntryTemplate): string | null {
  for (const part of ['status', 'item', 'noPosts'] as const) {
    if (typeof template[part] !== 'string') return `The ${part} template must be text.`;
    const problem = validateTemplateText(template[part], part);
    if (problem) return problem;
  }
  if (typeof template.itemSeparator !== 'string') return 'The item separator must be text.';
  return null;
}

export function assertValidTemplate(template: EntryTemplate): void {
  const problem = validateTemplate(template);
  if (problem) throw new TemplateError(problem);
}

/** Fill one template text; throws TemplateError on a malformed text or a value not supplied. */
export function fillTemplate(
  text: string,
  part: TemplatePart,
  values: Readonly<Record<string, string>>,
): string {
  const parsed = parse(text, part);
  if (typeof parsed === 'string') throw new TemplateError(parsed);
  let out = '';
  for (const seg of parsed) {
    if ('literal' in seg) {
      out += seg.literal;
    } else {
      const value = values[seg.name];
      if (value === undefined) {
        throw new TemplateError(`No value was given for {${seg.name}} in the ${part} template.`);
      }
      out += value;
    }
  }
  return out;
}
