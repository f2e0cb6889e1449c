/** The officer's work queue: declarations by the state they wait in, holds apart. */
import { JURISDICTIONS } from '@clearance/domain';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { Select } from '../ui/fields';
import type { MessageKey } from '../i18n/messages';
import { DeclarationList, type ListFilter } from './declarations';

const QUEUES: { id: string; label: MessageKey; filter: ListFilter }[] = [
  { id: 'submitted', label: 'state.SUBMITTED', filter: { state: 'SUBMITTED' } },
  { id: 'accepted', label: 'state.ACCEPTED', filter: { state: 'ACCEPTED' } },
  { id: 'risk', label: 'state.RISK_ASSESSED', filter: { state: 'RISK_ASSESSED' } },
  { id: 'ordered', label: 'state.INSPECTION_ORDERED', filter: { state: 'INSPECTION_ORDERED' } },
  { id: 'inspected', label: 'state.INSPECTED', filter: { state: 'INSPECTED' } },
  { id: 'eligible', label: 'state.RELEASE_ELIGIBLE', filter: { state: 'RELEASE_ELIGIBLE' } },
  { id: 'hold', label: 'state.ON_HOLD', filter: { onHold: true } },
  { id: 'released', label: 'state.RELEASED', filter: { state: 'RELEASED' } },
  { id: 'all', label: 'queue.all', filter: {} },
];

export function QueuePage() {
  const { t } = useI18n();
  const [queue, setQueue] = useState('submitted');
  const [jurisdiction, setJurisdiction] = useState('');
  const current = QUEUES.find((q) => q.id === queue) ?? QUEUES[0]!;
  return (
    <section>
      <h1>{t('queue.title')}</h1>
      <div class="filters">
        <div role="tablist" aria-label={t('queue.title')} class="tabs wrap">
          {QUEUES.map((q) => (
            <button
              key={q.id}
              type="button"
              role="tab"
              aria-selected={q.id === queue}
              data-queue={q.id}
              onClick={() => setQueue(q.id)}
            >
              {t(q.label)}
            </button>
          ))}
        </div>
        <Select
          id="queue-jurisdiction"
          label={t('list.jurisdiction')}
          value={jurisdiction}
          options={[
            { value: '', label: t('list.anyJurisdiction') },
            ...JURISDICTIONS.map((j) => ({ value: j, label: t(`jurisdiction.${j}`) })),
          ]}
          onChange={setJurisdiction}
        />
      </div>
      <div role="tabpanel">
        <DeclarationList
          filter={{ ...current.filter, ...(jurisdiction ? { jurisdiction } : {}) }}
          label={t(current.label)}
        />
      </div>
    </section>
  );
}
