'use client';
import { useActionState, useState } from 'react';
import {
  approve,
  regenerate,
  reopen,
  type ReportActionState,
  saveReport,
} from '../../app/reports/actions';

type Texts = Record<string, string>;
const initial: ReportActionState = { ok: false, message: null };

function Outcome({ state, texts }: { state: ReportActionState; texts: Texts }) {
  if (!state.message) return null;
  return (
    <p
      role={state.ok ? 'status' : 'alert'}
      className={state.ok ? 'form-ok' : 'form-error'}
      data-testid="report-outcome"
    >
      {state.ok ? (texts[state.message] ?? state.message) : state.message}
    </p>
  );
}

/** The editor's form: text, problems, obstacles, progress override; then regenerate / approve. */
export function ReportEditor({
  id,
  editedText,
  problems,
  obstacles,
  progressOverride,
  texts,
}: {
  id: string;
  editedText: string | null;
  problems: string;
  obstacles: string;
  progressOverride: number | null;
  texts: Texts;
}) {
  const [saved, saveAction, saving] = useActionState(saveReport, initial);
  const [approved, approveAction, approving] = useActionState(approve, initial);
  const [rewritten, regenerateAction, rewriting] = useActionState(regenerate, initial);
  return (
    <section aria-labelledby="edit-title" className="report-edit">
      <h2 id="edit-title">{texts.reportsEditTitle}</h2>
      <form action={saveAction} className="stack">
        <input type="hidden" name="id" value={id} />
        <label htmlFor="report-text">{texts.reportsEditText}</label>
        <textarea id="report-text" name="text" rows={10} defaultValue={editedText ?? ''} />
        <label htmlFor="report-problems">{texts.reportsEditProblems}</label>
        <input id="report-problems" name="problems" defaultValue={problems} required />
        <label htmlFor="report-obstacles">{texts.reportsEditObstacles}</label>
        <input id="report-obstacles" name="obstacles" defaultValue={obstacles} required />
        <label htmlFor="report-progress">{texts.reportsEditProgress}</label>
        <input
          id="report-progress"
          name="progress"
          inputMode="decimal"
          defaultValue={progressOverride === null ? '' : String(progressOverride)}
        />
        <button type="submit" disabled={saving}>
          {texts.reportsSave}
        </button>
        <Outcome state={saved} texts={texts} />
      </form>
      <div className="button-row">
        <form action={regenerateAction}>
          <input type="hidden" name="id" value={id} />
          <button type="submit" disabled={rewriting}>
            {texts.reportsRegenerate}
          </button>
        </form>
        <form action={approveAction}>
          <input type="hidden" name="id" value={id} />
          <button type="submit" className="primary" disabled={approving} data-testid="approve">
            {texts.reportsApprove}
          </button>
        </form>
      </div>
      <Outcome state={rewritten} texts={texts} />
      <Outcome state={approved} texts={texts} />
    </section>
  );
}

export function ReopenForm({ id, texts }: { id: string; texts: Texts }) {
  const [state, action, pending] = useActionState(reopen, initial);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} data-testid="reopen">
        {texts.reportsReopen}
      </button>
      <Outcome state={state} texts={texts} />
    </form>
  );
}

/** Copies the entry text; says so (or how to copy by hand) to screen readers too. */
export function CopyButton({ text, texts }: { text: string; texts: Texts }) {
  const [said, setSaid] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setSaid(texts.reportsCopied ?? 'Copied'),
            () => setSaid(texts.reportsCopyFailed ?? 'Could not copy'),
          );
        }}
      >
        {texts.reportsCopy}
      </button>
      <span role="status" aria-live="polite" className="muted">
        {said}
      </span>
    </>
  );
}
