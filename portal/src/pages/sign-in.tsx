/** Sign-in: traders with their e-signature certificate, officers with organisation and password. */
import { useState } from 'preact/hooks';
import { ApiFailure, call } from '../api/client';
import { Challenge, SignedIn, type Principal } from '../api/types';
import type { Credential } from '../esign/pkcs12';
import { useI18n } from '../i18n/i18n';
import { Field, Select } from '../ui/fields';
import { CertificateForm } from '../ui/certificate-form';

const ORGANISATIONS = [
  'gdcustoms',
  'gdciq',
  'hkcustoms',
  'hkcfs',
  'logistics',
  'mocustoms',
] as const;

export function SignInPage({
  onSignedIn,
}: {
  onSignedIn(principal: Principal, credential: Credential | null): void;
}) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'trader' | 'officer'>('trader');

  async function traderSignIn(credential: Credential) {
    // The CMS code (and SM2) is fetched only now, when a trader signs.
    const [challenge, { fromBase64, signBytes }] = await Promise.all([
      call(Challenge, 'POST', '/v1/auth/challenge', { body: {} }),
      import('../esign/sign'),
    ]);
    const signature = await signBytes(fromBase64(challenge.challenge), credential);
    const signed = await call(SignedIn, 'POST', '/v1/auth/trader', {
      body: { challengeId: challenge.challengeId, signature },
    });
    onSignedIn(signed.principal, credential);
  }

  return (
    <section class="sign-in card">
      <h1>{t('signIn.title')}</h1>
      <div role="tablist" aria-label={t('signIn.who')} class="tabs">
        {(['trader', 'officer'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            onClick={() => setTab(k)}
          >
            {t(k === 'trader' ? 'signIn.trader' : 'signIn.officer')}
          </button>
        ))}
      </div>
      {tab === 'trader' ? (
        <div role="tabpanel" id="panel-trader" aria-labelledby="tab-trader">
          <p>{t('signIn.traderIntro')}</p>
          <CertificateForm
            idPrefix="trader"
            submitLabel={t('signIn.signInWithCertificate')}
            onOpened={traderSignIn}
          />
        </div>
      ) : (
        <div role="tabpanel" id="panel-officer" aria-labelledby="tab-officer">
          <OfficerForm onSignedIn={(p) => onSignedIn(p, null)} />
        </div>
      )}
    </section>
  );
}

function OfficerForm({ onSignedIn }: { onSignedIn(principal: Principal): void }) {
  const { t, error: errorText } = useI18n();
  const [organisation, setOrganisation] = useState<string>('gdcustoms');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const signed = await call(SignedIn, 'POST', '/v1/auth/officer', {
        body: { organisation, username: username.trim(), password },
      });
      onSignedIn(signed.principal);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error : new ApiFailure('INTERNAL', String(error)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-busy={busy}>
      <Select
        id="officer-organisation"
        label={t('signIn.organisation')}
        value={organisation}
        options={ORGANISATIONS.map((o) => ({ value: o, label: t(`org.${o}`) }))}
        onChange={setOrganisation}
      />
      <Field id="officer-username" label={t('signIn.username')}>
        <input
          id="officer-username"
          autocomplete="username"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </Field>
      <div class="field">
        <label for="officer-password">{t('signIn.password')}</label>
        <input
          id="officer-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          aria-describedby={failure ? 'officer-error' : undefined}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      {failure && (
        <div id="officer-error" class="error" role="alert" data-code={failure.code}>
          <p>
            {failure.code === 'UNAUTHENTICATED'
              ? t('signIn.wrongOfficer')
              : errorText(failure.code)}
          </p>
        </div>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('app.working') : t('signIn.signIn')}
      </button>
    </form>
  );
}
