'use server';
import { COUNT_OVERRIDES, type CountOverride } from '@reachline/shared';
import {
  enterManualReach,
  LockTimeoutError,
  ManualReachError,
  movePostToStory,
  setCountOverride,
  StoryEditError,
} from '@reachline/shared/store';
import { Types } from 'mongoose';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireRole } from '../../../lib/auth/guard';
import { getStore, StoreUnavailableError } from '../../../lib/db';
import type { MessageKey } from '../../../lib/i18n/catalog';
import { getI18n } from '../../../lib/i18n/server';
import { announceChange, getReadModel } from '../../../lib/live/readModel';
import { STORY_ID } from '../../../lib/queries/story';
import { editContext } from './editing';
import { field, parseBangkokLocal, parseReach } from './parse';

/** What an edit form shows after a refused submission: one sentence, nothing changed. */
export interface EditState {
  error: string | null;
}

type Done = 'manual' | 'manualKept' | 'count' | 'split' | 'group' | 'moved';

/** The story and post a form is about; `null` when either id is malformed. */
function ids(form: FormData): { storyId: string; postId: string } | null {
  const storyId = field(form, 'storyId', 24);
  const postId = field(form, 'postId', 24);
  return STORY_ID.test(storyId) && STORY_ID.test(postId) ? { storyId, postId } : null;
}

async function refused(key: MessageKey): Promise<EditState> {
  const { t } = await getI18n();
  return { error: t(key) };
}

/** One sentence for a failure of the store, Redis or the edit itself; never a stack trace. */
async function failure(err: unknown): Promise<EditState> {
  if (err instanceof StoryEditError) return refused(`storyPageErr_${err.problem}`);
  if (err instanceof ManualReachError) return refused('storyPageErrReach');
  if (err instanceof LockTimeoutError) return refused('storyPageErrBusy');
  if (err instanceof StoreUnavailableError) return { error: err.message };
  return refused('storyPageErrSave');
}

/** After a change: this process's list is current at once, the page is re-rendered. */
async function finish(touched: readonly string[], page: string, done: Done): Promise<never> {
  const model = await getReadModel();
  for (const id of touched) await model.refresh(id);
  announceChange([...touched]);
  revalidatePath(`/stories/${page}`);
  redirect(`/stories/${page}?done=${done}`);
}

/** The post, read by `_id`, if it still belongs to the story the form was on. */
async function postOfStory(storyId: string, postId: string) {
  const { models } = await getStore();
  const post = await models.Post.findById(new Types.ObjectId(postId)).lean();
  return post && String(post.storyId) === storyId ? post : null;
}

/** An editor's number for a post: a `manual` snapshot that stands until an API value arrives. */
export async function enterManualReachAction(_prev: EditState, form: FormData): Promise<EditState> {
  const user = await requireRole('editor', '/stories');
  const target = ids(form);
  if (!target) return refused('storyPageErrPost');
  const reach = parseReach(field(form, 'reach', 20));
  if (reach === null) return refused('storyPageErrReach');
  const now = new Date();
  const at = parseBangkokLocal(field(form, 'at', 20), now);
  let used: boolean;
  try {
    const post = await postOfStory(target.storyId, target.postId);
    if (!post) return refused('storyPageErrPost');
    if (!at || at < post.publishedAt || at.getTime() > now.getTime() + 5 * 60_000)
      return refused('storyPageErrAt');
    const ctx = await editContext();
    if (!ctx) return refused('storyPageErrNoRedis');
    const result = await enterManualReach(ctx, {
      postId: post._id,
      reach,
      at,
      enteredBy: new Types.ObjectId(user.id),
    });
    used = result.used;
  } catch (err) {
    return failure(err);
  }
  // Kept as a manual snapshot either way; it stands for the post only while no API value exists.
  return finish([target.storyId], target.storyId, used ? 'manual' : 'manualKept');
}

/** Takes a post into its story's count, out of it, or back to the year's rule. */
export async function setCountAction(_prev: EditState, form: FormData): Promise<EditState> {
  await requireRole('editor', '/stories');
  const target = ids(form);
  if (!target) return refused('storyPageErrPost');
  const choice = field(form, 'count', 10);
  let override: CountOverride | null;
  if (choice === 'rule') override = null;
  else if ((COUNT_OVERRIDES as readonly string[]).includes(choice))
    override = choice as CountOverride;
  else return refused('storyPageErrCount');
  try {
    const post = await postOfStory(target.storyId, target.postId);
    if (!post) return refused('storyPageErrPost');
    const ctx = await editContext();
    if (!ctx) return refused('storyPageErrNoRedis');
    await setCountOverride(ctx, { postId: post._id, override, at: new Date() });
  } catch (err) {
    return failure(err);
  }
  return finish([target.storyId], target.storyId, 'count');
}

/**
 * Groups a cross-post into another story of the same month (chosen, or by id) or splits it into
 * a story of its own. The page stays on the story the form was on, unless that story lost its
 * last post: then it goes to where the post went.
 */
export async function movePostAction(_prev: EditState, form: FormData): Promise<EditState> {
  await requireRole('editor', '/stories');
  const target = ids(form);
  if (!target) return refused('storyPageErrPost');
  const typed = field(form, 'targetId', 30).toLowerCase();
  const chosen = typed || field(form, 'target', 30);
  const to = chosen === 'own' ? 'own' : STORY_ID.test(chosen) ? new Types.ObjectId(chosen) : null;
  if (!to) return refused('storyPageErrTarget');
  let result;
  try {
    const post = await postOfStory(target.storyId, target.postId);
    if (!post) return refused('storyPageErrPost');
    const ctx = await editContext();
    if (!ctx) return refused('storyPageErrNoRedis');
    result = await movePostToStory(ctx, { postId: post._id, to, at: new Date() });
  } catch (err) {
    return failure(err);
  }
  const targetId = String(result.targetStoryId);
  const touched = result.storyIds.map(String);
  if (result.deletedStoryId) return finish(touched, targetId, 'group');
  if (to === 'own') {
    const model = await getReadModel();
    for (const id of touched) await model.refresh(id);
    announceChange(touched);
    revalidatePath(`/stories/${target.storyId}`);
    redirect(`/stories/${target.storyId}?done=split&new=${targetId}`);
  }
  return finish(touched, target.storyId, 'moved');
}
