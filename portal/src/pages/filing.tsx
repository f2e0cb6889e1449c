/**
 * File or amend a declaration: the form (kept as a draft while typed), checked as the
 * gateway checks it, signed in the browser with the trader's certificate, then submitted.
 */
import { canonicalJson } from '@clearance/core';
import {
  COUNTRIES,
  CURRENCIES,
  INCOTERMS,
  JURISDICTIONS,
  PACKAGE_KINDS,
  TRADE_DIRECTIONS,
  TRANSPORT_MODES,
  UNITS,
  type Filing,
} from '@clearance/domain';
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call, newIdempotencyKey, submitOperation } from '../api/client';
import { DeclarationRecord } from '../api/types';
import type { Credential } from '../esign/pkcs12';
import { signFiling } from '../esign/sign';
import { dropDraft, loadDraft, saveDraft } from '../filing/drafts';
import {
  emptyContainer,
  emptyForm,
  emptyItem,
  formFromFiling,
  sumMoney,
  validateForm,
  type FieldErrors,
  type FilingForm,
} from '../filing/form';
import { fieldId, getAt, setAt } from '../filing/paths';
import { codeLabel, displayName, type CodeList } from '../i18n/codes';
import { useI18n } from '../i18n/i18n';
import { CertificateForm } from '../ui/certificate-form';
import { Choice } from '../ui/fields';
import { href, navigate } from '../ui/router';
import { useAnnounce, useSession } from '../ui/session';

/** What the field components read and write: the single form's, or the dual form's (issue 26). */
export interface FormApi {
  form: Pick<FilingForm, 'items' | 'currency' | 'containers' | 'documents'>;
  errors: FieldErrors;
  set(path: string, value: unknown): void;
}
export const FormContext = createContext<FormApi | null>(null);
const useForm = (): FormApi => {
  const form = useContext(FormContext);
  if (!form) throw new Error('a form field outside its form');
  return form;
};

/** The label key of a field: its last name ("declarant.name" → f.name). */
const labelOf = (path: string): string =>
  `f.${path
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .pop()}`;

export function Field({
  path,
  label,
  type = 'text',
  options,
  codes,
  list,
  hint,
  required = true,
}: {
  path: string;
  label?: string;
  type?: 'text' | 'number';
  options?: readonly string[];
  /** The code list the options come from: each shown with its name in the chosen language. */
  codes?: CodeList;
  list?: string;
  hint?: string;
  required?: boolean;
}) {
  const { t, text, locale } = useI18n();
  const { form, errors, set } = useForm();
  const error = errors[path];
  const id = fieldId(path);
  const value = String(getAt(form, path) ?? '');
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: path,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
    'aria-required': required || undefined,
  };
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label ?? text(labelOf(path))}
        {!required && <span class="optional"> ({t('form.optional')})</span>}
      </label>
      {options ? (
        <Choice
          {...common}
          value={value}
          options={options.map((o) => ({
            value: o,
            label: codes ? codeLabel(locale, codes, o) : o,
          }))}
          onChange={(chosen) => set(path, chosen)}
        />
      ) : (
        <input
          {...common}
          type="text"
          inputMode={type === 'number' ? 'decimal' : undefined}
          list={list}
          value={value}
          onInput={(e) => set(path, e.currentTarget.value)}
        />
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} data-kind={error.kind}>
          {t(`fieldError.${error.kind}`)}
        </p>
      )}
    </div>
  );
}

/** Adds or removes a row of a repeated part of the form (items, containers, documents). */
function RowButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="secondary" onClick={onClick}>
      {label}
    </button>
  );
}

const without = <T,>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <fieldset class="section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function Party({ role }: { role: 'declarant' | 'consignor' | 'consignee' }) {
  const { t } = useI18n();
  return (
    <Section title={t(`party.${role}`)}>
      <div class="grid">
        <Field path={`${role}.name`} />
        <Field path={`${role}.identifier`} required={false} />
        <Field path={`${role}.address`} required={false} />
        <Field path={`${role}.country`} list="countries" hint={t('hint.country')} />
      </div>
    </Section>
  );
}

export function Items() {
  const { t, money } = useI18n();
  const { form, errors, set } = useForm();
  const total = sumMoney(form.items.map((i) => i.totalValue));
  return (
    <Section title={t('form.items')}>
      {errors.items && (
        <p class="field-error" id={fieldId('items')}>
          {t(`fieldError.${errors.items.kind}`)} {errors.items.detail}
        </p>
      )}
      {form.items.map((_, i) => (
        <fieldset class="row" key={i}>
          <legend>{t('form.item', { n: i + 1 })}</legend>
          <div class="grid">
            <Field path={`items.${i}.hsCode`} hint={t('hint.hsCode')} />
            <Field path={`items.${i}.description`} />
            <Field path={`items.${i}.quantity`} type="number" />
            <Field path={`items.${i}.unit`} options={[...UNITS]} codes="unit" />
            <Field path={`items.${i}.origin`} list="countries" />
            <Field path={`items.${i}.unitValue`} type="number" hint={form.currency} />
            <Field path={`items.${i}.totalValue`} type="number" hint={form.currency} />
          </div>
          {form.items.length > 1 && (
            <RowButton
              label={t('form.removeItem', { n: i + 1 })}
              onClick={() => set('items', without(form.items, i))}
            />
          )}
        </fieldset>
      ))}
      <RowButton
        label={t('form.addItem')}
        onClick={() => set('items', [...form.items, emptyItem()])}
      />
      <p class="total" aria-live="polite">
        {t('form.totalValue')}: <strong>{total ? money(total, form.currency) : '—'}</strong>
      </p>
    </Section>
  );
}

export function Containers() {
  const { t } = useI18n();
  const { form, set } = useForm();
  return (
    <Section title={t('form.containers')}>
      {form.containers.map((_, i) => (
        <div class="grid row" key={i}>
          <Field path={`containers.${i}.number`} hint={t('hint.container')} />
          <Field path={`containers.${i}.sealNumbers`} required={false} hint={t('hint.seals')} />
          <RowButton
            label={t('form.remove')}
            onClick={() => set('containers', without(form.containers, i))}
          />
        </div>
      ))}
      <RowButton
        label={t('form.addContainer')}
        onClick={() => set('containers', [...form.containers, emptyContainer()])}
      />
    </Section>
  );
}

export function Documents() {
  const { t } = useI18n();
  const { form, set } = useForm();
  return (
    <Section title={t('form.documents')}>
      {form.documents.map((_, i) => (
        <div class="grid row" key={i}>
          <Field path={`documents.${i}.type`} />
          <Field path={`documents.${i}.reference`} />
          <RowButton
            label={t('form.remove')}
            onClick={() => set('documents', without(form.documents, i))}
          />
        </div>
      ))}
      <RowButton
        label={t('form.addDocument')}
        onClick={() => set('documents', [...form.documents, { type: '', reference: '' }])}
      />
    </Section>
  );
}

/** Transport and trade terms; the ports too where they are the form's own (not a side's). */
export function Transport({ ports }: { ports: boolean }) {
  const { t } = useI18n();
  return (
    <Section title={t('form.transport')}>
      <div class="grid">
        <Field path="transport.mode" options={TRANSPORT_MODES} codes="mode" />
        <Field path="transport.conveyance" />
        <Field path="transport.tripId" />
        <Field path="transport.billOfLading" required={false} />
        {ports && <Field path="portOfLoading" hint={t('hint.locode')} />}
        {ports && <Field path="portOfDischarge" hint={t('hint.locode')} />}
        <Field path="tradeTerms" options={INCOTERMS} codes="incoterm" />
        <Field path="currency" list="currencies" />
      </div>
    </Section>
  );
}

export function Packages() {
  const { t } = useI18n();
  return (
    <Section title={t('form.packages')}>
      <div class="grid">
        <Field path="packages.count" type="number" />
        <Field path="packages.kind" options={[...PACKAGE_KINDS]} codes="package" />
        <Field path="grossWeightKg" type="number" />
        <Field path="netWeightKg" type="number" />
      </div>
    </Section>
  );
}

/** Opens the trader's certificate to sign with: it must be the one they signed in with. */
export function OpenCertificate({ onOpened }: { onOpened(credential: Credential): Promise<void> }) {
  const { t } = useI18n();
  const session = useSession();
  return (
    <Section title={t('form.openCertificate')}>
      <p>{t('form.openCertificateWhy')}</p>
      <CertificateForm
        idPrefix="sign"
        submitLabel={t('form.signAndSubmit')}
        onOpened={async (credential) => {
          const p = session.principal;
          if (
            p.kind === 'trader' &&
            (credential.subject !== p.subject || credential.issuer !== p.issuer)
          )
            throw new ApiFailure('FORBIDDEN', t('form.otherCertificate'));
          session.setCredential(credential);
          await onOpened(credential);
        }}
      />
    </Section>
  );
}

/** The form's errors, each a link to its field. */
export function ErrorList({ errors }: { errors: FieldErrors }) {
  const { t } = useI18n();
  const errorList = Object.entries(errors);
  if (errorList.length === 0) return null;
  return (
    <div class="error" role="alert" data-testid="form-errors">
      <p>{t('form.fixErrors', { n: errorList.length })}</p>
      <ul>
        {errorList.map(([path, e]) => (
          <li key={path}>
            <a
              href={`#${fieldId(path)}`}
              onClick={(ev) => (
                ev.preventDefault(),
                document.getElementById(fieldId(path))?.focus()
              )}
            >
              {path}: {t(`fieldError.${e.kind}`)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The countries and currencies the form's inputs suggest, named in the chosen language. */
export function CodeLists() {
  const { locale } = useI18n();
  return (
    <>
      <datalist id="countries">
        {[...COUNTRIES].map((c) => (
          <option key={c} value={c} label={displayName(locale, 'region', c)} />
        ))}
      </datalist>
      <datalist id="currencies">
        {[...CURRENCIES].map((c) => (
          <option key={c} value={c} label={displayName(locale, 'currency', c)} />
        ))}
      </datalist>
    </>
  );
}

/** A signed body and the key it was first sent with: a retry of the same filing reuses both. */
interface Attempt {
  filingJson: string;
  body: Filing & { signature: string };
  key: string;
}

export function FilingPage({ amendId }: { amendId?: string }) {
  const { t, error: errorText } = useI18n();
  const session = useSession();
  const announce = useAnnounce();
  const principalId = session.principal.id;
  const slot = amendId ? `amend.${amendId}` : 'new';
  const [form, setForm] = useState<FilingForm | null>(() => loadDraft(principalId, slot));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<{ code: string; detail: string; tx?: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [needsCertificate, setNeedsCertificate] = useState(false);
  const [fresh, setFresh] = useState(0);
  const attempt = useRef<Attempt | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  // An amendment without a draft starts from the ledger's version.
  useEffect(() => {
    if (form) return;
    if (!amendId) {
      const jurisdiction =
        session.principal.kind === 'trader' ? session.principal.jurisdiction : 'GD';
      setForm(emptyForm(jurisdiction));
      return;
    }
    call(DeclarationRecord, 'GET', `/v1/declarations/${encodeURIComponent(amendId)}`).then(
      (record) => setForm(formFromFiling(record.declaration)),
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
    set: (path, value) => setForm((f) => (f ? setAt(f, path, value) : f)),
  };

  function showErrors(found: FieldErrors) {
    setErrors(found);
    // Let the summary render, then take the user to it.
    setTimeout(() => summary.current?.focus(), 0);
  }

  async function submit(credential = session.credential) {
    if (!form) return;
    setFailure(null);
    const checked = validateForm(form);
    if (!checked.ok) return showErrors(checked.errors);
    setErrors({});
    if (amendId && checked.filing.declaration.declarationId !== amendId)
      return showErrors({ declarationId: { kind: 'invalid', detail: amendId } });
    if (!credential) {
      setNeedsCertificate(true);
      return;
    }
    setBusy(true);
    try {
      const filingJson = canonicalJson(checked.filing);
      if (attempt.current?.filingJson !== filingJson) {
        attempt.current = {
          filingJson,
          body: await signFiling(checked.filing, credential),
          key: newIdempotencyKey(),
        };
      }
      const { body, key } = attempt.current;
      const id = checked.filing.declaration.declarationId;
      const path = amendId
        ? `/v1/declarations/${encodeURIComponent(amendId)}/amendments`
        : '/v1/declarations';
      const operation = await submitOperation(path, body, key);
      dropDraft(principalId, slot);
      announce(t('form.submitted', { id, tx: operation.transactionId ?? '' }));
      navigate(href.declaration(id));
    } catch (error) {
      const code = error instanceof ApiFailure ? error.code : 'INTERNAL';
      const detail = error instanceof Error ? error.message : String(error);
      setFailure({
        code,
        detail,
        ...(error instanceof ApiFailure && error.transactionId ? { tx: error.transactionId } : {}),
      });
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
      <h1>{amendId ? t('form.amendTitle', { id: amendId }) : t('form.newTitle')}</h1>
      <p class="hint">{t('form.draftKept')}</p>
      {!amendId && (
        <p>
          <a href={href.newDual()}>{t('dual.start')}</a>
        </p>
      )}
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
        <Section title={t('form.general')}>
          <div class="grid">
            <Field path="declarationId" hint={t('hint.declarationId')} />
            <Field path="direction" options={TRADE_DIRECTIONS} codes="direction" />
            <Field path="jurisdiction" options={JURISDICTIONS} codes="jurisdiction" />
            <Field path="consignmentRef" hint={t('hint.consignmentRef')} />
            <Field path="customsOffice" />
          </div>
        </Section>
        <Party role="declarant" />
        <Party role="consignor" />
        <Party role="consignee" />
        <Transport ports />
        <Items />
        <Packages />
        <Containers />
        <Documents />
        <Section title={t('form.commercial')}>
          <p class="hint">{t('form.commercialPrivate')}</p>
          <div class="grid">
            <Field path="invoiceNumber" />
            <Field path="freight" type="number" />
            <Field path="insurance" type="number" />
          </div>
        </Section>
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
            onClick={() => {
              const checked = validateForm(form);
              if (checked.ok) {
                setErrors({});
                announce(t('form.allGood'));
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
