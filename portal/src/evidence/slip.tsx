/**
 * The release slip: what a driver prints or shows on a phone at the boundary. The public
 * facts only (declaration, consignment, who released it and when) and a QR code of the
 * verify link, so anyone can check the release on the ledger without an account. Printing
 * shows the slip alone (print CSS below); on a phone it fits the screen's width.
 */
import type { DeclarationRecord } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { QrCode } from './qr';
import { evidenceText, organisationName, type EvidenceKey } from './words';

const SLIP_CSS = `
.slip { border: 2px solid #222; border-radius: 6px; padding: 1rem 1.25rem; max-width: 26rem;
  background: #fff; color: #000; margin: 1rem 0; }
.slip h3 { margin: 0 0 .5rem; }
.slip dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem .75rem; margin: 0 0 .75rem; }
.slip dt { font-weight: 600; }
.slip dd { margin: 0; }
.slip .qr { display: block; width: 100%; max-width: 16rem; height: auto; margin: .5rem auto; }
.slip .verify-link { font-family: monospace; font-size: .75rem; word-break: break-all; }
@media print {
  body * { visibility: hidden; }
  .slip, .slip * { visibility: visible; }
  .slip { position: absolute; left: 0; top: 0; border: none; max-width: none; width: 100%; }
  .slip .no-print { display: none; }
}`;

export function ReleaseSlip({ record, url }: { record: DeclarationRecord; url: string }) {
  const { locale, date } = useI18n();
  const w = (key: EvidenceKey) => evidenceText(locale, key);
  const releases = Object.entries(record.releases).sort(([, a], [, b]) => a.at.localeCompare(b.at));
  return (
    <section class="slip" aria-labelledby="slip-h" data-testid="release-slip">
      <style>{SLIP_CSS}</style>
      <h3 id="slip-h">{w('slip.title')}</h3>
      <dl>
        <dt>{w('slip.declaration')}</dt>
        <dd data-testid="slip-declaration">{record.declarationId}</dd>
        <dt>{w('slip.consignment')}</dt>
        <dd>{record.consignmentRef}</dd>
        <dt>{w('slip.jurisdiction')}</dt>
        <dd>{w(record.jurisdiction === 'HK' ? 'org.HK' : 'org.GD')}</dd>
        <dt>{w('slip.releasedBy')}</dt>
        <dd>
          <ul class="plain">
            {releases.map(([msp, act]) => (
              <li key={msp}>
                {organisationName(locale, msp)} · <time dateTime={act.at}>{date(act.at)}</time>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <p>{w('slip.scan')}</p>
      <QrCode text={url} label={w('slip.qr')} />
      <p class="verify-link" data-testid="verify-link">
        {url}
      </p>
      <p class="no-print">
        <button type="button" onClick={() => window.print()}>
          {w('slip.print')}
        </button>
      </p>
    </section>
  );
}
