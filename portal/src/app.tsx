/** The portal's shell: language, session, live events, announcements and the pages. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call, callNoContent, whenSignedOut } from './api/client';
import { openEventStream } from './api/events';
import { Principal, type LedgerEvent } from './api/types';
import type { Credential } from './esign/pkcs12';
import {
  I18nContext,
  LOCALES,
  initialLocale,
  makeI18n,
  saveLocale,
  useI18n,
  type Locale,
} from './i18n/i18n';
import { SignInPage } from './pages/sign-in';
import { Choice } from './ui/fields';
import { commonName } from './ui/format';
import { lazyPage } from './ui/lazy';
import { href, navigate, useRoute, type Route } from './ui/router';
import {
  AnnounceContext,
  LiveContext,
  SessionContext,
  type LiveListener,
  type Session,
} from './ui/session';

// Each page is a chunk of its own, fetched when first shown: the sign-in page loads none.
const DeclarationPage = lazyPage(() =>
  import('./pages/declaration').then((m) => m.DeclarationPage),
);
const DeclarationsPage = lazyPage(() =>
  import('./pages/declarations').then((m) => m.DeclarationsPage),
);
const FilingPage = lazyPage(() => import('./pages/filing').then((m) => m.FilingPage));
const DualFilingPage = lazyPage(() => import('./pages/dual').then((m) => m.DualFilingPage));
const LanePage = lazyPage(() => import('./pages/lane').then((m) => m.LanePage));
const PairPage = lazyPage(() => import('./pages/pair').then((m) => m.PairPage));
const QueuePage = lazyPage(() => import('./pages/queue').then((m) => m.QueuePage));
const SealsPage = lazyPage(() => import('./pages/seals').then((m) => m.SealsPage));
const TracePage = lazyPage(() => import('./pages/trace').then((m) => m.TracePage));
const FarmPage = lazyPage(() => import('./pages/livestock').then((m) => m.FarmPage));
const ArrivalPage = lazyPage(() => import('./pages/livestock').then((m) => m.ArrivalPage));

const LANGUAGE_NAMES: Record<Locale, string> = {
  'zh-HK': '繁體中文',
  'zh-CN': '简体中文',
  en: 'English',
};

function homeOf(principal: Principal): string {
  if (principal.kind === 'trader') return href.declarations();
  return principal.mspId === 'LogisticsMSP' ? href.seals() : href.queue();
}

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  const { t } = i18n;
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [credential, setCredential] = useState<Credential | null>(null);
  const [connected, setConnected] = useState(false);
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const listeners = useRef(new Set<LiveListener>());

  useEffect(() => saveLocale(locale), [locale]);

  // Who is signed in (the session cookie survives a reload; the trader's key does not).
  useEffect(() => {
    whenSignedOut(() => {
      setPrincipal(null);
      setCredential(null);
    });
    call(Principal, 'GET', '/v1/me').then(setPrincipal, () => setPrincipal(null));
  }, []);

  useEffect(() => {
    if (principal === null && route.page !== 'sign-in') navigate(href.signIn());
    if (principal && route.page === 'sign-in') navigate(homeOf(principal));
  }, [principal, route.page]);

  useEffect(() => {
    if (!principal) return;
    return openEventStream((name: string, event: LedgerEvent) => {
      for (const listener of listeners.current) listener(name, event);
    }, setConnected);
  }, [principal]);

  // A new page: move focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    const heading = main.current?.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }, [route]);

  const announce = useCallback((message: string, urgency: 'polite' | 'assertive' = 'polite') => {
    (urgency === 'assertive' ? setAssertive : setPolite)(message);
  }, []);
  const live = useMemo(
    () => ({
      subscribe(listener: LiveListener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [],
  );
  const session: Session | null = useMemo(
    () =>
      principal
        ? {
            principal,
            credential,
            setCredential,
            async signOut() {
              await callNoContent('POST', '/v1/auth/sign-out').catch(() => undefined);
              setCredential(null);
              setPrincipal(null);
            },
          }
        : null,
    [principal, credential],
  );

  return (
    <I18nContext.Provider value={i18n}>
      <AnnounceContext.Provider value={announce}>
        <LiveContext.Provider value={live}>
          <SessionContext.Provider value={session}>
            <a class="skip" href="#main">
              {t('app.skip')}
            </a>
            <header class="top">
              <span class="brand">{t('app.title')}</span>
              {session && <Nav principal={session.principal} route={route} />}
              <div class="top-right">
                {session && (
                  <span class={`live ${connected ? 'on' : 'off'}`} title={t('app.liveHint')}>
                    {connected ? t('app.live') : t('app.offline')}
                  </span>
                )}
                <label class="lang">
                  <span class="sr-only">{t('app.language')}</span>
                  <Choice<Locale>
                    value={locale}
                    options={LOCALES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }))}
                    onChange={setLocale}
                  />
                </label>
                {session && <WhoAmI session={session} />}
              </div>
            </header>
            <div class="sr-only" aria-live="polite" role="status">
              {polite}
            </div>
            <div class="sr-only" aria-live="assertive" role="alert">
              {assertive}
            </div>
            <main id="main" ref={main}>
              {principal === undefined ? (
                <p aria-busy="true">{t('app.loading')}</p>
              ) : session ? (
                <Page route={route} session={session} />
              ) : (
                <SignInPage onSignedIn={(p, c) => (setCredential(c), setPrincipal(p))} />
              )}
            </main>
          </SessionContext.Provider>
        </LiveContext.Provider>
      </AnnounceContext.Provider>
    </I18nContext.Provider>
  );
}

function Page({ route, session }: { route: Route; session: Session }) {
  const p = session.principal;
  switch (route.page) {
    case 'declarations':
      return p.kind === 'trader' ? <DeclarationsPage /> : <QueuePage />;
    case 'new':
      return <FilingPage />;
    case 'amend':
      return <FilingPage amendId={route.id} />;
    case 'declaration':
      return <DeclarationPage id={route.id} />;
    case 'queue':
      return p.kind === 'officer' ? <QueuePage /> : <DeclarationsPage />;
    case 'seals':
      return <SealsPage sealId={route.sealId} />;
    case 'lane':
      return p.kind === 'officer' ? <LanePage controlPoint={route.controlPoint} /> : null;
    case 'trace':
      return p.kind === 'officer' ? <TracePage kind={route.kind} id={route.id} /> : null;
    case 'farm':
      return p.kind === 'officer' ? <FarmPage farmId={route.farmId} /> : null;
    case 'arrival':
      return p.kind === 'officer' ? <ArrivalPage /> : null;
    case 'pair':
      return <PairPage id={route.id} />;
    case 'dual-new':
      return <DualFilingPage />;
    case 'dual-amend':
      return <DualFilingPage amendId={route.id} />;
    default:
      return null;
  }
}

function Nav({ principal, route }: { principal: Principal; route: Route }) {
  const i18n = useI18n();
  const links =
    principal.kind === 'trader'
      ? [
          {
            to: href.declarations(),
            label: i18n.t('nav.myDeclarations'),
            on: route.page === 'declarations',
          },
          {
            to: href.newDeclaration(),
            label: i18n.t('nav.newDeclaration'),
            on: route.page === 'new',
          },
          {
            to: href.newDual(),
            label: i18n.t('nav.newDual'),
            on: route.page === 'dual-new',
          },
        ]
      : [
          ...(principal.mspId === 'LogisticsMSP'
            ? []
            : [{ to: href.queue(), label: i18n.t('nav.queue'), on: route.page === 'queue' }]),
          { to: href.seals(), label: i18n.t('nav.seals'), on: route.page === 'seals' },
          ...(principal.mspId === 'LogisticsMSP'
            ? []
            : [{ to: href.lane('LMC'), label: i18n.t('nav.lane'), on: route.page === 'lane' }]),
          ...(principal.mspId === 'LogisticsMSP'
            ? []
            : [{ to: href.trace(), label: i18n.t('nav.trace'), on: route.page === 'trace' }]),
          ...(['GDCIQMSP', 'GDCustomsMSP'].includes(principal.mspId)
            ? [{ to: href.farm(), label: i18n.t('nav.farms'), on: route.page === 'farm' }]
            : []),
          ...(['HKCustomsMSP', 'HKCFSMSP'].includes(principal.mspId)
            ? [{ to: href.arrival(), label: i18n.t('nav.arrival'), on: route.page === 'arrival' }]
            : []),
        ];
  return (
    <nav aria-label={i18n.t('nav.label')}>
      {links.map((l) => (
        <a key={l.to} href={l.to} aria-current={l.on ? 'page' : undefined}>
          {l.label}
        </a>
      ))}
    </nav>
  );
}

function WhoAmI({ session }: { session: Session }) {
  const { t } = useI18n();
  const p = session.principal;
  const name = p.kind === 'trader' ? commonName(p.subject) : `${p.name} · ${p.mspId}`;
  return (
    <span class="who">
      <span data-testid="who">{name}</span>
      <button type="button" class="link" onClick={() => void session.signOut()}>
        {t('app.signOut')}
      </button>
    </span>
  );
}
