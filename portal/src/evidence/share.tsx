/**
 * On a released declaration's page, for its trader and its agencies' officers: make a
 * capability link to the release's evidence (with its slip: the link is shown this once),
 * list the links made, revoke one, download the bundle itself.
 */
import { jointAgencies } from '@clearance/domain';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api/client';
import type { DeclarationRecord } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { useAnnounce, useSession } from '../ui/session';
import { evidenceApi, verifyUrl, type EvidenceLink } from './api';
import { ReleaseSlip } from './slip';
import { evidenceText, type EvidenceKey } from './words';

export const isReleased = (record: Pick<DeclarationRecord, 'jurisdiction' | 'releases'>) =>
  jointAgencies(record.jurisdiction).every((msp) => record.releases[msp] !== undefined);

export function EvidenceShare({ record }: { record: DeclarationRecord }) {
  const { locale, date, error: errorText } = useI18n();
  const w = (key: EvidenceKey, params?: Record<string, string>) =>
    evidenceText(locale, key, params);
  const session = useSession();
  const announce = useAnnounce();
  const [links, setLinks] = useState<EvidenceLink[]>([]);
  const [made, setMade] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = record.declarationId;
  const p = session.principal;
  const mayShare =
    isReleased(record) &&
    (p.kind === 'trader' || jointAgencies(record.jurisdiction).includes(p.mspId));

  const failed = (error: unknown) =>
    setFailure(error instanceof ApiFailure ? error.code : 'INTERNAL');
  const reload = () => evidenceApi.links(id).then(setLinks, failed);
  useEffect(() => {
    if (mayShare) void reload();
  }, [id, mayShare]);
  if (!mayShare) return null;

  const make = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const link = await evidenceApi.makeLink(id);
      setMade(verifyUrl(location.origin, link.token));
      await reload();
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (linkId: string) => {
    try {
      await evidenceApi.revoke(linkId);
      announce(w('share.revokedNow'));
      await reload();
    } catch (error) {
      failed(error);
    }
  };
  const download = async () => {
    try {
      const bundle = await evidenceApi.bundle(id);
      const file = new Blob([JSON.stringify(bundle)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(file);
      a.download = `evidence-${id}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (error) {
      failed(error);
    }
  };

  return (
    <section aria-labelledby="share-h" data-testid="evidence-share">
      <h2 id="share-h">{w('share.title')}</h2>
      <p>{w('share.intro')}</p>
      <p>
        <button type="button" onClick={() => void make()} disabled={busy}>
          {w('share.make')}
        </button>{' '}
        <button type="button" class="secondary" onClick={() => void download()}>
          {w('share.download')}
        </button>
      </p>
      {failure && (
        <p class="error" role="alert" data-code={failure}>
          {errorText(failure)}
        </p>
      )}
      {made && (
        <>
          <p role="status">{w('share.onlyOnce')}</p>
          <ReleaseSlip record={record} url={made} />
        </>
      )}
      <h3>{w('share.links')}</h3>
      {links.length === 0 ? (
        <p>{w('share.none')}</p>
      ) : (
        <ul class="plain" data-testid="evidence-links">
          {links.map((l) => (
            <li key={l.linkId} data-revoked={String(l.revokedAt !== null)}>
              {w('share.made', { at: date(l.createdAt) })} ·{' '}
              {l.revokedAt ? w('share.revokedAt', { at: date(l.revokedAt) }) : w('share.live')}{' '}
              {!l.revokedAt && (
                <button type="button" class="secondary" onClick={() => void revoke(l.linkId)}>
                  {w('share.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
