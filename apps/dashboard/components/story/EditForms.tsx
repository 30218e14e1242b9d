'use client';
import { useActionState } from 'react';
import {
  type EditState,
  enterManualReachAction,
  movePostAction,
  setCountAction,
} from '../../app/stories/[id]/actions';
import { type Lang, translator } from '../../lib/i18n/catalog';

interface PostRef {
  storyId: string;
  postId: string;
  lang: Lang;
}

function Problem({ id, state }: { id: string; state: EditState }) {
  return state.error ? (
    <p id={id} role="alert" className="form-error" data-testid="edit-error">
      {state.error}
    </p>
  ) : null;
}

function Ids({ storyId, postId }: Omit<PostRef, 'lang'>) {
  return (
    <>
      <input type="hidden" name="storyId" value={storyId} />
      <input type="hidden" name="postId" value={postId} />
    </>
  );
}

/** An editor's number for a post no API reaches. */
export function ManualReachForm({ storyId, postId, lang }: PostRef) {
  const t = translator(lang);
  const [state, action, pending] = useActionState(enterManualReachAction, { error: null });
  const base = `manual-${postId}`;
  return (
    <form action={action} className="edit-form" data-testid="manual-form">
      <fieldset>
        <legend>{t('storyPageManualLegend')}</legend>
        <p className="hint" id={`${base}-help`}>
          {t('storyPageManualHelp')}
        </p>
        <Ids storyId={storyId} postId={postId} />
        <label htmlFor={`${base}-reach`}>{t('storyPageManualReach')}</label>
        <input
          id={`${base}-reach`}
          name="reach"
          inputMode="numeric"
          autoComplete="off"
          required
          maxLength={20}
          aria-describedby={`${base}-help${state.error ? ` ${base}-error` : ''}`}
          aria-invalid={state.error ? true : undefined}
        />
        <label htmlFor={`${base}-at`}>{t('storyPageManualAt')}</label>
        <input id={`${base}-at`} name="at" type="datetime-local" />
        <Problem id={`${base}-error`} state={state} />
        <button type="submit" disabled={pending} aria-busy={pending}>
          {t('storyPageManualSubmit')}
        </button>
      </fieldset>
    </form>
  );
}

/** In or out of the story's count, or back to the year's rule. */
export function CountForm({
  storyId,
  postId,
  lang,
  current,
}: PostRef & { current: 'in' | 'out' | null }) {
  const t = translator(lang);
  const [state, action, pending] = useActionState(setCountAction, { error: null });
  const base = `count-${postId}`;
  const options = [
    ['rule', t('storyPageCountRule')],
    ['in', t('storyPageCountIn')],
    ['out', t('storyPageCountOut')],
  ] as const;
  return (
    <form action={action} className="edit-form" data-testid="count-form">
      <fieldset>
        <legend>{t('storyPageCountLegend')}</legend>
        <Ids storyId={storyId} postId={postId} />
        {options.map(([value, label]) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="count"
              value={value}
              defaultChecked={(current ?? 'rule') === value}
            />{' '}
            {label}
          </label>
        ))}
        <Problem id={`${base}-error`} state={state} />
        <button type="submit" disabled={pending} aria-busy={pending}>
          {t('storyPageCountSubmit')}
        </button>
      </fieldset>
    </form>
  );
}

/** Group into another story of the month, or split out into a story of its own. */
export function MoveForm({
  storyId,
  postId,
  lang,
  canSplit,
  stories,
}: PostRef & { canSplit: boolean; stories: readonly { id: string; label: string }[] }) {
  const t = translator(lang);
  const [state, action, pending] = useActionState(movePostAction, { error: null });
  const base = `move-${postId}`;
  return (
    <form action={action} className="edit-form" data-testid="move-form">
      <fieldset>
        <legend>{t('storyPageMoveLegend')}</legend>
        <Ids storyId={storyId} postId={postId} />
        <label htmlFor={`${base}-target`}>{t('storyPageMoveTarget')}</label>
        <select id={`${base}-target`} name="target" defaultValue="">
          <option value="">{t('storyPageMoveChoose')}</option>
          {canSplit ? <option value="own">{t('storyPageMoveOwn')}</option> : null}
          {stories.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${base}-id`}>{t('storyPageMoveOtherId')}</label>
        <input
          id={`${base}-id`}
          name="targetId"
          autoComplete="off"
          spellCheck={false}
          maxLength={30}
          aria-invalid={state.error ? true : undefined}
        />
        <Problem id={`${base}-error`} state={state} />
        <button type="submit" disabled={pending} aria-busy={pending}>
          {t('storyPageMoveSubmit')}
        </button>
      </fieldset>
    </form>
  );
}
