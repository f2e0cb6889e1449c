/**
 * /verify, for anyone: a carrier, a bank, another customs service. A bundle chosen as a
 * file, pasted, or fetched through a link's token (/verify#TOKEN) is checked in this
 * browser by the same verifier as `clearance-verify` (loaded when first needed); the server
 * gives no verdict. The answer in plain words in the chosen language, or exactly which check
 * failed. What it trusts: the trust root this service publishes, or one the visitor pinned.
 */
import type * as Verifier from '@clearance/verifier';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../api/client';
import { evidenceApi } from '../evidence/api';
import { evidenceText, type EvidenceKey } from '../evidence/words';
import {
  I18nContext,
  LOCALES,
  initialLocale,
  makeI18n,
  saveLocale,
  useI18n,
  type Locale,
} from '../i18n/i18n';
import { Choice } from '../ui/fields';
import { headlineOf } from './headline';

const LANGUAGE_NAMES: Record<Locale, string> = {
  'zh-HK': '繁體中文',
  'zh-CN': '简体中文',
  en: 'English',
};
const PINNED = 'portal.trustRoot';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const PAGE_CSS = `
.verdict { border-left: 6px solid #888; padding: .5rem 1rem; margin: 1rem 0; background: #f6f6f6; }
.verdict.ok { border-color: #1a7f37; background: #eef8f0; }
.verdict.bad { border-color: #b42318; background: #fdf0ef; }
.verdict h2 { margin: 0 0 .25rem; }
.checks { font-size: .9rem; }
.checks .INVALID { color: #b42318; font-weight: 600; }
textarea.bundle { width: 100%; min-height: 8rem; font-family: monospace; font-size: .8rem; }`;

type Loaded = typeof Verifier;
let verifierModule: Promise<Loaded> | undefined;
/** The verifier, fetched the first time a bundle or a trust root is checked. */
const loadVerifier = () => (verifierModule ??= import('@clearance/verifier'));

export function VerifyApp() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  useEffect(() => saveLocale(locale), [locale]);
  return (
    <I18nContext.Provider value={i18n}>
      <header class="top">
        <span class="brand">{i18n.t('app.title')}</span>
        <div class="top-right">
          <label class="lang">
            <span class="sr-only">{i18n.t('app.language')}</span>
            <Choice<Locale>
              value={locale}
              options={LOCALES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }))}
              onChange={setLocale}
            />
          </label>
        </div>
      </header>
      <main id="main">
        <VerifyPage />
      </main>
    </I18nContext.Provider>
  );
}

type Outcome =
  | {
      kind: 'report';
      report: Verifier.VerificationReport;
      ms: number;
      verifier: Loaded;
      /** How many bundles this page has checked (tests and the bench wait for the next). */
      n: number;
    }
  | { kind: 'link'; code: string }
  | { kind: 'not-json' };

interface Root {
  root: Verifier.TrustRoot;
  pinned: boolean;
}

function pinnedRoot(verifier: Loaded): Verifier.TrustRoot | undefined {
  const text = localStorage.getItem(PINNED);
  if (!text) return undefined;
  try {
    const parsed = verifier.TrustRootSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function VerifyPage() {
  const { locale, error: errorText } = useI18n();
  const w = (key: EvidenceKey, params?: Record<string, string | number>) =>
    evidenceText(locale, key, params);
  const [root, setRoot] = useState<Root | null>(null);
  const [rootFailure, setRootFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState('');

  const loadRoot = async (): Promise<Root> => {
    const verifier = await loadVerifier();
    const pinned = pinnedRoot(verifier);
    if (pinned) return { root: pinned, pinned: true };
    const served = verifier.TrustRootSchema.safeParse(await evidenceApi.trustRoot());
    if (!served.success) throw new ApiFailure('BAD_RESPONSE', 'not a trust root');
    return { root: served.data, pinned: false };
  };

  const checked = useRef(0);
  const check = async (bundle: unknown, trusted: Root) => {
    const verifier = await loadVerifier();
    const started = performance.now();
    const report = await verifier.verifyBundle(bundle, trusted.root);
    const ms = performance.now() - started;
    checked.current += 1;
    setOutcome({ kind: 'report', report, ms, verifier, n: checked.current });
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void run(async () => {
      let trusted: Root;
      try {
        trusted = await loadRoot();
        setRoot(trusted);
      } catch (error) {
        setRootFailure(error instanceof ApiFailure ? error.code : 'INTERNAL');
        return;
      }
      const token = decodeURIComponent(location.hash.replace(/^#/, ''));
      if (!token) return;
      if (!TOKEN.test(token)) return setOutcome({ kind: 'link', code: 'NOT_FOUND' });
      try {
        await check(await evidenceApi.shared(token), trusted);
      } catch (error) {
        setOutcome({ kind: 'link', code: error instanceof ApiFailure ? error.code : 'INTERNAL' });
      }
    });
  }, []);

  const checkText = (input: string) =>
    run(async () => {
      if (!root) return;
      let json: unknown;
      try {
        json = JSON.parse(input);
      } catch {
        return setOutcome({ kind: 'not-json' });
      }
      await check(json, root);
    });

  const pin = async (file: File) => {
    const verifier = await loadVerifier();
    try {
      const parsed = verifier.TrustRootSchema.safeParse(JSON.parse(await file.text()));
      if (!parsed.success) throw new Error('not a trust root');
      localStorage.setItem(PINNED, JSON.stringify(parsed.data));
      setRoot({ root: parsed.data, pinned: true });
      setRootFailure(null);
    } catch {
      setRootFailure('BAD_TRUST_ROOT');
    }
  };
  const unpin = () => {
    localStorage.removeItem(PINNED);
    void loadRoot().then(setRoot, () => setRoot(null));
  };

  return (
    <section class="verify" aria-labelledby="verify-h">
      <style>{PAGE_CSS}</style>
      <h1 id="verify-h">{w('verify.title')}</h1>
      <p>{w('verify.intro')}</p>

      {outcome && <OutcomeView outcome={outcome} />}
      {busy && (
        <p aria-busy="true" role="status">
          {location.hash && !outcome ? w('verify.fromLink') : w('verify.checking')}
        </p>
      )}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void checkText(text);
        }}
      >
        <p>
          <label for="verify-file">{w('verify.file')}</label>
          <br />
          <input
            id="verify-file"
            type="file"
            accept=".json,application/json"
            disabled={!root}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void file.text().then(checkText);
            }}
          />
        </p>
        <p>
          <label for="verify-text">{w('verify.paste')}</label>
          <textarea
            id="verify-text"
            class="bundle"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </p>
        <p>
          <button type="submit" disabled={!root || busy || text.trim() === ''}>
            {w('verify.check')}
          </button>
        </p>
      </form>

      <section aria-labelledby="root-h">
        <h2 id="root-h">{w('verify.trustRoot')}</h2>
        {root ? (
          <p data-testid="trust-root" data-pinned={String(root.pinned)}>
            {w(root.pinned ? 'verify.trustRootPinned' : 'verify.trustRootServed', {
              hash: `${root.root.genesisBlockHash.slice(0, 16)}…`,
              channel: root.root.channel,
            })}
          </p>
        ) : (
          <p>{w('verify.noTrustRoot')}</p>
        )}
        {rootFailure && (
          <p class="error" role="alert">
            {rootFailure === 'BAD_TRUST_ROOT' ? w('verify.badTrustRoot') : errorText(rootFailure)}
          </p>
        )}
        <p>
          <label for="verify-root">{w('verify.pin')}</label>
          <br />
          <input
            id="verify-root"
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void pin(file);
            }}
          />
          {root?.pinned && (
            <button type="button" class="link" onClick={unpin}>
              {w('verify.unpin')}
            </button>
          )}
        </p>
      </section>
    </section>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }) {
  const { locale, error: errorText } = useI18n();
  const w = (key: EvidenceKey, params?: Record<string, string | number>) =>
    evidenceText(locale, key, params);
  if (outcome.kind === 'not-json')
    return (
      <div class="verdict bad" role="alert" data-testid="verdict" data-verdict="not-json">
        <p>{w('verify.notJson')}</p>
      </div>
    );
  if (outcome.kind === 'link') {
    const revoked = outcome.code === 'LINK_REVOKED';
    const unknown = outcome.code === 'NOT_FOUND';
    return (
      <div class="verdict bad" role="alert" data-testid="verdict" data-verdict={outcome.code}>
        <h2 data-testid="verdict-headline">
          {revoked
            ? w('verify.revoked')
            : unknown
              ? w('verify.unknownLink')
              : errorText(outcome.code)}
        </h2>
        {(revoked || unknown) && (
          <p>{w(revoked ? 'verify.revokedText' : 'verify.unknownLinkText')}</p>
        )}
      </div>
    );
  }
  const { report, verifier, ms } = outcome;
  const headline = headlineOf(report);
  return (
    <div
      class={`verdict ${report.valid ? 'ok' : 'bad'}`}
      role={report.valid ? 'status' : 'alert'}
      data-testid="verdict"
      data-verdict={headline}
      data-n={outcome.n}
    >
      <h2 data-testid="verdict-headline">{w(headline)}</h2>
      <p data-testid="verdict-text">{verifier.verdict(report, locale)}</p>
      {report.failed && (
        <p
          data-testid="failed-check"
          data-check={report.failed.check}
          data-reason={report.failed.reason}
        >
          <code>{report.failed.check}</code> · {report.failed.target}
          {report.failed.detail ? ` · ${report.failed.detail}` : ''}
        </p>
      )}
      <p data-testid="verify-time" data-ms={ms.toFixed(1)}>
        {w('verify.took', { ms: Math.round(ms) })}
      </p>
      <details class="checks">
        <summary>{w('verify.checks')}</summary>
        <ul class="plain">
          {report.checks.map((c, i) => (
            <li key={i} class={c.status}>
              {verifier.CHECK_TITLES[c.check][locale]} · {c.target} ·{' '}
              {w(`verify.status.${c.status}`)}
              {c.reason ? ` · ${c.reason}` : ''}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
