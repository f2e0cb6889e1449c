/** Declarations from the index: the trader's own with search and filters, the officer's queue. */
import { STATES } from '@clearance/domain';
import { useRef, useState } from 'preact/hooks';
import { call } from '../api/client';
import { SummaryPage, type Summary } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Field, Select } from '../ui/fields';
import { useGuardedFetch } from '../ui/fetch';
import { StateBadge, actionLabel } from '../ui/badges';
import { href } from '../ui/router';
import { useAnnounce, useLiveEvents } from '../ui/session';

export interface ListFilter {
  state?: string;
  onHold?: boolean;
  jurisdiction?: string;
  q?: string;
}

function query(filter: ListFilter, cursor?: string): string {
  const params = new URLSearchParams();
  if (filter.state) params.set('state', filter.state);
  if (filter.onHold !== undefined) params.set('onHold', String(filter.onHold));
  if (filter.jurisdiction) params.set('jurisdiction', filter.jurisdiction);
  if (filter.q?.trim()) params.set('q', filter.q.trim());
  if (cursor) params.set('cursor', cursor);
  params.set('limit', '50');
  return `/v1/declarations?${params}`;
}

/** The list for `filter`, refreshed when the ledger changes a declaration. */
export function DeclarationList({ filter, label }: { filter: ListFilter; label: string }) {
  const i18n = useI18n();
  const { t, text, date, error: errorText } = i18n;
  const announce = useAnnounce();
  const [items, setItems] = useState<Summary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const key = JSON.stringify(filter);

  useGuardedFetch(
    () => call(SummaryPage, 'GET', query(filter)),
    (page) => {
      setItems(page.items);
      setNext(page.nextCursor);
      setFailure(null);
    },
    setFailure,
    [key, tick],
  );

  useLiveEvents((_name, event) => {
    if (!event.declarationId) return;
    if (event.state) {
      announce(
        t('live.declarationChanged', {
          id: event.declarationId,
          state: text(`state.${event.state}`) + (event.onHold ? ` · ${t('state.ON_HOLD')}` : ''),
        }),
      );
    }
    // The index follows the ledger within a moment; refresh once a burst has passed.
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setTick((n) => n + 1), 400);
  });

  async function more() {
    if (!next) return;
    const page = await call(SummaryPage, 'GET', query(filter, next));
    setItems((old) => [...(old ?? []), ...page.items]);
    setNext(page.nextCursor);
  }

  if (failure)
    return (
      <p class="error" role="alert">
        {errorText(failure)}
      </p>
    );
  if (!items) return <p aria-busy="true">{t('app.loading')}</p>;
  if (items.length === 0) return <p class="empty">{t('list.empty')}</p>;
  return (
    <div class="table-wrap">
      <table aria-label={label} data-testid="declaration-list">
        <thead>
          <tr>
            <th scope="col">{t('list.id')}</th>
            <th scope="col">{t('list.state')}</th>
            <th scope="col">{t('list.consignment')}</th>
            <th scope="col">{t('list.jurisdiction')}</th>
            <th scope="col">{t('list.lastAction')}</th>
            <th scope="col">{t('list.when')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.declarationId} data-id={d.declarationId}>
              <th scope="row">
                <a href={href.declaration(d.declarationId)}>{d.declarationId}</a>
              </th>
              <td>
                <StateBadge state={d.state} onHold={d.onHold} />
              </td>
              <td>{d.consignmentRef}</td>
              <td>{t(d.jurisdiction === 'HK' ? 'jurisdiction.HK' : 'jurisdiction.GD')}</td>
              <td>
                {actionLabel(text, d.lastAction)} · {d.lastActorMsp}
              </td>
              <td>{date(d.lastAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" class="secondary" onClick={() => void more()}>
          {t('list.more')}
        </button>
      )}
    </div>
  );
}

export function DeclarationsPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [state, setState] = useState('');
  const [onHold, setOnHold] = useState(false);
  const [filter, setFilter] = useState<ListFilter>({});
  return (
    <section>
      <h1>{t('list.myTitle')}</h1>
      <p>
        <a class="button" href={href.newDeclaration()}>
          {t('nav.newDeclaration')}
        </a>{' '}
        <a class="button secondary" href={href.newDual()}>
          {t('nav.newDual')}
        </a>
      </p>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ q, ...(state ? { state } : {}), ...(onHold ? { onHold: true } : {}) });
        }}
      >
        <Field id="search-q" label={t('list.search')}>
          <input
            id="search-q"
            type="search"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </Field>
        <Select
          id="search-state"
          label={t('list.state')}
          value={state}
          options={[
            { value: '', label: t('list.anyState') },
            ...STATES.map((s) => ({ value: s, label: t(`state.${s}`) })),
          ]}
          onChange={setState}
        />
        <div class="field check">
          <input
            id="search-hold"
            type="checkbox"
            checked={onHold}
            onChange={(e) => setOnHold(e.currentTarget.checked)}
          />
          <label for="search-hold">{t('list.onHoldOnly')}</label>
        </div>
        <button type="submit">{t('list.apply')}</button>
      </form>
      <DeclarationList filter={filter} label={t('list.myTitle')} />
    </section>
  );
}
