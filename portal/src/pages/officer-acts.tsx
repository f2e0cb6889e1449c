/**
 * The acts an officer may take on a declaration now (the life cycle's availableActs), each
 * confirmed in a dialog that asks what the act needs: a reason, a risk level and score, an
 * inspection result. The ledger decides in the end; the rules shown are the ledger's.
 */
import {
  FINDINGS_MAX,
  REASON_MAX,
  RISK_LEVELS,
  RISK_SCORE,
  availableActs,
  isRiskScore,
  requiresReason,
  type InspectionResult,
  type OfficerAction,
  type RiskLevel,
} from '@clearance/domain';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, newIdempotencyKey, submitOperation } from '../api/client';
import type { DeclarationRecord, OfficerActBody, OfficerPrincipal, Operation } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { actionLabel } from '../ui/badges';
import { Field, Select } from '../ui/fields';
import { shortTx } from '../ui/format';
import { useAnnounce } from '../ui/session';

export function OfficerActs({
  record,
  officer,
  onDone,
}: {
  record: DeclarationRecord;
  officer: OfficerPrincipal;
  onDone(): void;
}) {
  const { t, error: errorText } = useI18n();
  const announce = useAnnounce();
  const acts = availableActs(record, { mspId: officer.mspId, id: officer.id, role: officer.role });
  const [open, setOpen] = useState<OfficerAction | null>(null);
  const [done, setDone] = useState<{ action: OfficerAction; operation: Operation } | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [level, setLevel] = useState<RiskLevel>('LOW');
  const [score, setScore] = useState('10');
  const [result, setResult] = useState<InspectionResult>('COMPLIANT');
  const [findings, setFindings] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  function start(action: OfficerAction, button: HTMLElement) {
    opener.current = button;
    setFailure(null);
    setReason('');
    setFindings('');
    setOpen(action);
  }

  function close() {
    setOpen(null);
    opener.current?.focus();
  }

  function body(action: OfficerAction): OfficerActBody {
    if (action === 'ASSESS_RISK') return { action, level, score: Number(score), reason };
    if (action === 'RECORD_INSPECTION') return { action, result, findings };
    return { action, reason };
  }

  async function confirm(event: Event) {
    event.preventDefault();
    if (!open) return;
    if (open === 'ASSESS_RISK' && !isRiskScore(Number(score))) {
      setFailure(new ApiFailure('VALIDATION_FAILED', t('acts.scoreRange')));
      return;
    }
    if (requiresReason(open) && reason.trim() === '') {
      setFailure(new ApiFailure('VALIDATION_FAILED', t('acts.reasonRequired')));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const operation = await submitOperation(
        `/v1/declarations/${encodeURIComponent(record.declarationId)}/acts`,
        body(open),
        newIdempotencyKey(),
      );
      setDone({ action: open, operation });
      announce(
        t('acts.done', {
          action: actionLabel(t, open),
          who: officer.name,
          msp: officer.mspId,
          tx: shortTx(operation.transactionId ?? ''),
        }),
      );
      setOpen(null);
      onDone();
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error : new ApiFailure('INTERNAL', String(error)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="acts card" aria-labelledby="acts-h">
      <h2 id="acts-h">{t('acts.title')}</h2>
      <p class="hint">
        {t('acts.asWho', { who: officer.name, msp: officer.mspId, role: officer.role })}
      </p>
      {done && (
        <p class="success" role="status" data-testid="act-done" data-action={done.action}>
          {t('acts.done', {
            action: actionLabel(t, done.action),
            who: officer.name,
            msp: officer.mspId,
            tx: shortTx(done.operation.transactionId ?? ''),
          })}
          {done.operation.blockNumber
            ? ` · ${t('acts.block', { n: done.operation.blockNumber })}`
            : ''}
        </p>
      )}
      {acts.length === 0 ? (
        <p>{t('acts.none')}</p>
      ) : (
        <div class="actions">
          {acts.map((a) => (
            <button
              key={a}
              type="button"
              data-act={a}
              class={requiresReason(a) ? 'danger' : ''}
              onClick={(e) => start(a, e.currentTarget as HTMLElement)}
            >
              {actionLabel(t, a)}
            </button>
          ))}
        </div>
      )}
      <dialog ref={dialog} onClose={() => open && close()} aria-labelledby="act-dialog-h">
        {open && (
          <form onSubmit={confirm} aria-busy={busy}>
            <h3 id="act-dialog-h">
              {t('acts.confirmTitle', { action: actionLabel(t, open), id: record.declarationId })}
            </h3>
            {open === 'ASSESS_RISK' && (
              <>
                <Select<RiskLevel>
                  id="act-level"
                  label={t('acts.level')}
                  value={level}
                  options={RISK_LEVELS.map((l) => ({ value: l, label: t(`risk.${l}`) }))}
                  onChange={setLevel}
                />
                <Field id="act-score" label={t('acts.score')}>
                  <input
                    id="act-score"
                    type="number"
                    min={RISK_SCORE.min}
                    max={RISK_SCORE.max}
                    value={score}
                    onInput={(e) => setScore(e.currentTarget.value)}
                  />
                </Field>
              </>
            )}
            {open === 'RECORD_INSPECTION' ? (
              <>
                <Select<InspectionResult>
                  id="act-result"
                  label={t('acts.result')}
                  value={result}
                  options={[
                    { value: 'COMPLIANT', label: t('acts.compliant') },
                    { value: 'NON_COMPLIANT', label: t('acts.nonCompliant') },
                  ]}
                  onChange={setResult}
                />
                <Field id="act-findings" label={t('acts.findings')}>
                  <textarea
                    id="act-findings"
                    maxLength={FINDINGS_MAX}
                    value={findings}
                    onInput={(e) => setFindings(e.currentTarget.value)}
                  />
                </Field>
              </>
            ) : (
              <Field
                id="act-reason"
                label={
                  <>
                    {t('acts.reason')}
                    {!requiresReason(open) && <span class="optional"> ({t('form.optional')})</span>}
                  </>
                }
              >
                <textarea
                  id="act-reason"
                  maxLength={REASON_MAX}
                  value={reason}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
              </Field>
            )}
            <p class="hint">{t('acts.signedAs', { who: officer.name, msp: officer.mspId })}</p>
            {failure && (
              <div class="error" role="alert" data-code={failure.code}>
                <p>{errorText(failure.code)}</p>
                <p class="detail">{failure.message}</p>
              </div>
            )}
            <div class="actions">
              <button type="submit" disabled={busy} data-testid="act-confirm">
                {busy ? t('app.working') : t('acts.confirm')}
              </button>
              <button type="button" class="secondary" onClick={close}>
                {t('acts.cancel')}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </section>
  );
}
