/**
 * A page loaded when it is first shown (its own chunk of the bundle), so that the sign-in
 * page downloads only what it needs. Until the chunk is there the page says it is loading;
 * a chunk that cannot be fetched (the network, a new deployment) offers to reload.
 */
import type { FunctionComponent, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

export function lazyPage<P extends object>(
  load: () => Promise<FunctionComponent<P>>,
): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined;
  let pending: Promise<FunctionComponent<P>> | undefined;
  return function LazyPage(props: P): JSX.Element {
    const { t } = useI18n();
    const [, rerender] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      pending ??= load();
      pending.then(
        (component) => {
          loaded = component;
          if (live) rerender((n) => n + 1);
        },
        () => {
          pending = undefined;
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    if (failed)
      return (
        <p class="error" role="alert">
          {t('app.chunkFailed')}{' '}
          <button type="button" class="link" onClick={() => location.reload()}>
            {t('app.reload')}
          </button>
        </p>
      );
    return <p aria-busy="true">{t('app.loading')}</p>;
  };
}
