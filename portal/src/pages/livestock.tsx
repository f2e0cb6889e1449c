/**
 * Food animals for officers: the farm and consignment view (GD inspection: a farm's
 * registration, status and its consignments with their stage on GD's side) and the arrival
 * check screen at Man Kam To (ear tags read against the certificate, the ledger's answer
 * ACCEPTED or FLAGGED with what it found). Writes go through the gateway's durable
 * operations with an Idempotency-Key, so a retry never records the check twice.
 */
import {
  ArrivalRecordSchema,
  ConsignmentRecordSchema,
  FarmRecordSchema,
  type ArrivalRecord,
} from '@clearance/domain';
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { ApiFailure, call, newIdempotencyKey } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { href, navigate } from '../ui/router';
import { parseEarTags } from './ear-tags';

const FarmView = z.object({
  farm: FarmRecordSchema,
  consignments: z.array(ConsignmentRecordSchema),
});
type FarmView = z.infer<typeof FarmView>;
const ArrivalAnswer = z.object({ record: ArrivalRecordSchema, transactionId: z.string() });
const codeOf = (e: unknown) => (e instanceof ApiFailure ? e.code : 'INTERNAL');

export function FarmPage({ farmId }: { farmId?: string | undefined }) {
  const { t, error: errorText } = useI18n();
  const [input, setInput] = useState(farmId ?? '');
  const [view, setView] = useState<FarmView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    setView(null);
    setFailure(null);
    if (!farmId) return;
    call(FarmView, 'GET', `/v1/livestock/farms/${encodeURIComponent(farmId)}`).then(setView, (e) =>
      setFailure(codeOf(e)),
    );
  }, [farmId]);

  return (
    <section class="farm">
      <h1>{t('farm.title')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim()) navigate(href.farm(input.trim()));
        }}
      >
        <label>
          {t('farm.id')}{' '}
          <input
            name="farmId"
            value={input}
            maxLength={64}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
        </label>{' '}
        <button type="submit">{t('farm.show')}</button>
      </form>
      {failure && (
        <p class="error" role="alert" data-testid="farm-error" data-code={failure}>
          {errorText(failure)}
        </p>
      )}
      {view && (
        <div data-testid="farm-view" data-status={view.farm.status}>
          <p>
            <strong>{view.farm.farmId}</strong> · {view.farm.name} · {view.farm.region} ·{' '}
            {t(`trace.farmStatus.${view.farm.status}`)}
          </p>
          <p>
            {t('farm.species')}: {view.farm.species.join(', ')} · {t('farm.vet')}:{' '}
            {view.farm.veterinarian.registrationNo}
          </p>
          <div class="table-wrap">
            <table data-testid="farm-consignments">
              <caption>{t('farm.consignments')}</caption>
              <tbody>
                {view.consignments.map((c) => (
                  <tr
                    key={c.consignmentId}
                    data-consignment={c.consignmentId}
                    data-held={c.hold ? 'yes' : 'no'}
                  >
                    <td>{c.consignmentId}</td>
                    <td>{c.certificate.certificateNo}</td>
                    <td>
                      {c.certificate.species} × {c.certificate.headCount}
                    </td>
                    <td>{t(`trace.stage.${c.state}`)}</td>
                    <td>{c.sealId ?? t('trace.noSeal')}</td>
                    <td>{c.hold ? t('trace.held', { reason: c.hold.reason }) : ''}</td>
                    <td>
                      {c.certificate.animals[0] && (
                        <a href={href.trace('earTag', c.certificate.animals[0].earTag)}>
                          {t('nav.trace')}
                        </a>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

export function ArrivalPage() {
  const { t, error: errorText } = useI18n();
  const [consignmentId, setConsignmentId] = useState('');
  const [tagsText, setTagsText] = useState('');
  const [result, setResult] = useState<ArrivalRecord | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parseEarTags(tagsText);

  const submit = async () => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      const answer = await call(
        ArrivalAnswer,
        'POST',
        `/v1/livestock/consignments/${encodeURIComponent(consignmentId.trim())}/arrival`,
        {
          body: { controlPoint: 'MKT', earTagsRead: parsed.tags },
          headers: { 'idempotency-key': newIdempotencyKey() },
        },
      );
      setResult(answer.record);
    } catch (e) {
      setFailure(codeOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="arrival">
      <h1>{t('arrival.title')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {t('arrival.consignment')}{' '}
          <input
            name="consignmentId"
            required
            maxLength={64}
            value={consignmentId}
            onInput={(e) => setConsignmentId(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('arrival.earTags')}
          <textarea
            name="earTags"
            rows={6}
            value={tagsText}
            onInput={(e) => setTagsText(e.currentTarget.value)}
          />
        </label>
        <p>
          {t('arrival.count', { count: String(parsed.tags.length) })}
          {parsed.bad.length > 0 && (
            <span class="error" data-testid="arrival-bad">
              {' '}
              {t('arrival.bad', { tags: parsed.bad.join(', ') })}
            </span>
          )}
        </p>
        <button type="submit" disabled={busy || parsed.bad.length > 0 || !consignmentId.trim()}>
          {t('arrival.record')}
        </button>
      </form>
      {failure && (
        <p class="error" role="alert" data-testid="arrival-error" data-code={failure}>
          {errorText(failure)}
        </p>
      )}
      {result && (
        <div data-testid="arrival-result" data-result={result.result}>
          <p>
            <strong>{t(`arrival.result.${result.result}`)}</strong>
          </p>
          {result.flags.length > 0 && (
            <ul>
              {result.flags.map((f) => (
                <li key={f} data-flag={f}>
                  {t(`arrival.flag.${f}`)}
                </li>
              ))}
            </ul>
          )}
          {result.missingEarTags.length > 0 && (
            <p>{t('arrival.missing', { tags: result.missingEarTags.join(', ') })}</p>
          )}
          {result.unexpectedEarTags.length > 0 && (
            <p>{t('arrival.unexpected', { tags: result.unexpectedEarTags.join(', ') })}</p>
          )}
        </div>
      )}
    </section>
  );
}
