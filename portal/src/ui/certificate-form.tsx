/**
 * Opens a PKCS#12 certificate file with its password, or a PKCS#8 key file (as mainland CAs
 * hand out SM2 keys) with its certificate file, in the browser.
 */
import { useState } from 'preact/hooks';
import { ApiFailure } from '../api/client';
import type * as Pkcs12Module from '../esign/pkcs12';
import type { Credential } from '../esign/pkcs12';
import { useI18n } from '../i18n/i18n';
import { readFileBytes } from './format';

export interface CertificateFormProps {
  idPrefix: string;
  submitLabel: string;
  /** Runs with the opened certificate; a thrown ApiFailure or Pkcs12Error is shown. */
  onOpened(credential: Credential): Promise<void>;
}

export function CertificateForm({ idPrefix, submitLabel, onOpened }: CertificateFormProps) {
  const { t, error: errorText } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [certificateFile, setCertificateFile] = useState<File | null>(null);
  // A .p12 / .pfx holds key and certificate; any other file is taken as a PKCS#8 key.
  const isKeyFile = file !== null && !/\.(p12|pfx)$/i.test(file.name);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; detail: string } | null>(null);
  const id = (name: string) => `${idPrefix}-${name}`;

  async function submit(event: Event) {
    event.preventDefault();
    if (!file || (isKeyFile && !certificateFile)) {
      setFailure({ code: 'P12_UNREADABLE', detail: '' });
      return;
    }
    setBusy(true);
    setFailure(null);
    let pkcs12: typeof Pkcs12Module | undefined;
    try {
      // PKCS#12 (node-forge) and key parsing are fetched only when a certificate is opened.
      pkcs12 = await import('../esign/pkcs12');
      const { openPkcs12, openPkcs8 } = pkcs12;
      const credential =
        isKeyFile && certificateFile
          ? await openPkcs8(
              await readFileBytes(file),
              await readFileBytes(certificateFile),
              password,
            )
          : await openPkcs12(await readFileBytes(file), password);
      await onOpened(credential);
    } catch (error) {
      if ((pkcs12 && error instanceof pkcs12.Pkcs12Error) || error instanceof ApiFailure)
        setFailure({ code: error.code, detail: error.message });
      else setFailure({ code: 'INTERNAL', detail: String(error) });
    } finally {
      setBusy(false);
    }
  }

  const wrongPassword = failure?.code === 'P12_WRONG_PASSWORD';
  return (
    <form onSubmit={submit} aria-busy={busy} novalidate>
      <div class="field">
        <label for={id('file')}>{t('signIn.certificateFile')}</label>
        <input
          id={id('file')}
          type="file"
          accept=".p12,.pfx,application/x-pkcs12,.pem,.key,.p8,.der"
          required
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        <p class="hint">{t('signIn.keyStaysHere')}</p>
      </div>
      {isKeyFile && (
        <div class="field">
          <label for={id('certificate')}>{t('signIn.certificateForKey')}</label>
          <input
            id={id('certificate')}
            type="file"
            accept=".pem,.cer,.crt,.der"
            required
            onChange={(e) => setCertificateFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
      )}
      <div class="field">
        <label for={id('password')}>{t('signIn.certificatePassword')}</label>
        <input
          id={id('password')}
          type="password"
          autocomplete="off"
          value={password}
          aria-invalid={wrongPassword}
          aria-describedby={failure ? id('error') : undefined}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      {failure && (
        <div id={id('error')} class="error" role="alert" data-code={failure.code}>
          <p>{errorText(failure.code)}</p>
          {failure.detail && <p class="detail">{failure.detail}</p>}
        </div>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('app.working') : submitLabel}
      </button>
    </form>
  );
}
