/**
 * File or amend a dual declaration (一單兩報): the consignment typed once and each side's
 * own fields, kept as a draft while typed, checked as the gateway checks it, signed once in
 * the browser with the trader's certificate over the RFC 8785 JSON of the whole submission,
 * then submitted; the trader lands on the pair page. The fields are the single form's.
 */
import { canonicalBytes, canonicalJson } from '@clearance/core';
import { JURISDICTIONS, TRADE_DIRECTIONS, type Jurisdiction } from '@clearance/domain';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call, newIdempotencyKey, submitOperation } from '../api/client';
import { signBytes } from '../esign/sign';
import { dropDraft, loadDraftOf, saveDraft } from '../filing/drafts';
import {
  dualFormFromSubmission,
  emptyDualForm,
  isDualDraft,
  SIDE_ORDER,
  setDual,
  sideOfRefusal,
  validateDualForm,
  type DualBody,
  type DualForm,
} from '../filing/dual-form';
import type { FieldErrors } from '../filing/form';
import { useI18n } from '../i18n/i18n';
import { href, navigate } from '../ui/router';
import { useAnnounce, useSession } from '../ui/session';
import {
  CodeLists,
  Containers,
  Documents,
  ErrorList,
  Field,
  FormContext,
  Items,
  OpenCertificate,
  Packages,
  Party,
  Section,
  Transport,
  type FormApi,
} from './filing';
import { Pair } from './pair';

interface Failure {
  code: string;
  detail: string;
  tx?: string;
  /** The side a refusal names (a signer not recognised there). */
  side?: Jurisdiction;
}

/** A signed body and the key it was first sent with: a retry of the same submission reuses both. */
interface Attempt {
  json: string;
  body: DualBody & { signature: string };
  key: string;
}

function SideFields({ side, failure }: { side: Jurisdiction; failure: Failure | null }) {
  const { t, error } = useI18n();
  const name = t(`jurisdiction.${side}`);
  return (
    <div data-side-form={side}>
      <Section title={t('dual.sideTitle', { side: name })}>
        <p class="hint">{t('dual.sideHint')}</p>
        {failure?.side === side && (
          <p class="field-error" role="alert" data-testid={`side-error-${side}`}>
            {failure.code === 'CERTIFICATE_REJECTED'
              ? t('dual.sideRefused', { side: name })
              : t('dual.sideError', { side: name, message: error(failure.code) })}
          </p>
        )}
        <div class="grid">
          <Field path={`sides.${side}.declarationId`} hint={t('hint.declarationId')} />
          <Field path={`sides.${side}.direction`} options={TRADE_DIRECTIONS} codes="direction" />
          <Field path={`sides.${side}.customsOffice`} />
          <Field path={`sides.${side}.portOfLoading`} hint={t('hint.locode')} />
          <Field path={`sides.${side}.portOfDischarge`} hint={t('hint.locode')} />
          <Field path={`sides.${side}.freight`} type="number" />
          <Field path={`sides.${side}.insurance`} type="number" />
        </div>
      </Section>
    </div>
  );
}

export function DualFilingPage({ amendId }: { amendId?: string }) {
  const { t, error: errorText } = useI18n();
  const session = useSession();
  const announce = useAnnounce();
  const principalId = session.principal.id;
  const slot = amendId ? `dual.amend.${amendId}` : 'dual.new';
  const [form, setForm] = useState<DualForm | null>(() =>
    loadDraftOf(principalId, slot, isDualDraft),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsCertificate, setNeedsCertificate] = useState(false);
  const [fresh, setFresh] = useState(0);
  const attempt = useRef<Attempt | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  // An amendment without a draft starts from the ledger's submission.
  useEffect(() => {
    if (form) return;
    if (!amendId) {
      const p = session.principal;
      setForm(emptyDualForm(p.kind === 'trader' ? p.jurisdiction : 'HK'));
      return;
    }
    call(Pair, 'GET', `/v1/dual-declarations/${encodeURIComponent(amendId)}`).then(
      ({ submission }) =>
        setForm(dualFormFromSubmission(submission.submission, submission.receivedIn)),
      (error: unknown) =>
        setFailure({
          code: error instanceof ApiFailure ? error.code : 'INTERNAL',
          detail: String(error instanceof Error ? error.message : error),
        }),
    );
  }, [amendId, fresh]);

  useEffect(() => {
    if (form) saveDraft(principalId, slot, form);
  }, [form]);

  if (session.principal.kind !== 'trader') return <p>{t('form.tradersOnly')}</p>;
  if (!form)
    return failure ? (
      <p class="error" role="alert">
        {errorText(failure.code)}
      </p>
    ) : (
      <p aria-busy="true">{t('app.loading')}</p>
    );

  const api: FormApi = {
    form,
    errors,
    set: (path, value) => setForm((f) => (f ? setDual(f, path, value) : f)),
  };

  function showErrors(found: FieldErrors) {
    setErrors(found);
    setTimeout(() => summary.current?.focus(), 0);
  }

  async function check(current: DualForm) {
    const checked = await validateDualForm(current);
    if (checked.ok && amendId && checked.body.submission.submissionId !== amendId)
      return {
        ok: false as const,
        errors: { submissionId: { kind: 'invalid' as const, detail: amendId } },
      };
    return checked;
  }

  async function submit(credential = session.credential) {
    if (!form) return;
    setFailure(null);
    const checked = await check(form);
    if (!checked.ok) return showErrors(checked.errors);
    setErrors({});
    if (!credential) {
      setNeedsCertificate(true);
      return;
    }
    setBusy(true);
    const { submission, commercial } = checked.body;
    const id = submission.submissionId;
    try {
      // What is sent, all of it: a changed side to submit to is a new request, with a new key.
      const json = canonicalJson({ ...checked.body, receivedIn: amendId ? null : form.receivedIn });
      if (attempt.current?.json !== json) {
        const signature = await signBytes(canonicalBytes(submission), credential);
        attempt.current = {
          json,
          body: { submission, commercial, signature },
          key: newIdempotencyKey(),
        };
      }
      const { body, key } = attempt.current;
      const operation = amendId
        ? await submitOperation(
            `/v1/dual-declarations/${encodeURIComponent(amendId)}/amendments`,
            body,
            key,
          )
        : await submitOperation(
            '/v1/dual-declarations',
            { ...body, receivedIn: form.receivedIn },
            key,
          );
      dropDraft(principalId, slot);
      announce(t('dual.submitted', { id, tx: operation.transactionId ?? '' }));
      navigate(href.pair(id));
    } catch (error) {
      const code = error instanceof ApiFailure ? error.code : 'INTERNAL';
      const side = error instanceof ApiFailure ? sideOfRefusal(error.reason) : undefined;
      setFailure({
        code,
        detail: error instanceof Error ? error.message : String(error),
        ...(error instanceof ApiFailure && error.transactionId ? { tx: error.transactionId } : {}),
        ...(side ? { side } : {}),
      });
      // Filed at a gateway that does not receive this side's filings: the choice was wrong.
      if (code === 'WRONG_GATEWAY')
        setErrors({ receivedIn: { kind: 'wrongGateway', detail: form.receivedIn } });
      // A refused signature or a failed transaction will not succeed by sending it again.
      if (error instanceof ApiFailure && error.status !== 0 && error.code !== 'NETWORK')
        attempt.current = null;
      setTimeout(() => summary.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormContext.Provider value={api}>
      <h1>{amendId ? t('dual.amendTitle', { id: amendId }) : t('dual.newTitle')}</h1>
      <p>{t('dual.intro')}</p>
      <p class="hint">{t('form.draftKept')}</p>
      {amendId && <p class="hint">{t('dual.amendValues')}</p>}
      <div ref={summary} tabIndex={-1} class="summary-anchor">
        <ErrorList errors={errors} />
        {failure && (
          <div class="error" role="alert" data-testid="submit-error" data-code={failure.code}>
            <p>{errorText(failure.code)}</p>
            <p class="detail">{failure.detail}</p>
            {failure.tx && (
              <p class="detail">
                {t('decl.transaction')}: {failure.tx}
              </p>
            )}
          </div>
        )}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        novalidate
        aria-busy={busy}
      >
        <CodeLists />
        <Section title={t('dual.submission')}>
          <div class="grid">
            <Field path="submissionId" hint={t('hint.submissionId')} />
            {!amendId && <Field path="receivedIn" options={JURISDICTIONS} codes="jurisdiction" />}
            <Field path="consignmentRef" hint={t('hint.consignmentRef')} />
          </div>
        </Section>
        <h2>{t('dual.shared')}</h2>
        <Party role="declarant" />
        <Party role="consignor" />
        <Party role="consignee" />
        <Transport ports={false} />
        <Items />
        <Packages />
        <Containers />
        <Documents />
        <Section title={t('form.commercial')}>
          <p class="hint">{t('dual.valuesShared')}</p>
          <div class="grid">
            <Field path="invoiceNumber" />
          </div>
        </Section>
        {SIDE_ORDER.map((side) => (
          <SideFields key={side} side={side} failure={failure} />
        ))}
        {needsCertificate && !session.credential && (
          <OpenCertificate
            onOpened={async (credential) => {
              setNeedsCertificate(false);
              await submit(credential);
            }}
          />
        )}
        <div class="actions">
          <button type="submit" disabled={busy} data-testid="sign-submit">
            {busy ? t('form.signing') : t('form.signAndSubmit')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={async () => {
              const checked = await check(form);
              if (checked.ok) {
                setErrors({});
                announce(t('dual.allGood'));
              } else showErrors(checked.errors);
            }}
          >
            {t('form.check')}
          </button>
          <button
            type="button"
            class="secondary danger"
            onClick={() => {
              if (!confirm(t('form.discardConfirm'))) return;
              dropDraft(principalId, slot);
              attempt.current = null;
              setErrors({});
              setForm(null);
              setFresh((n) => n + 1);
            }}
          >
            {t('form.discard')}
          </button>
        </div>
      </form>
    </FormContext.Provider>
  );
}
